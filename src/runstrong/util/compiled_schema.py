"""JSON Schemas compiled to Python by fastjsonschema, to say yes quickly to the common valid
document. It never decides a refusal: whatever it refuses goes to jsonschema, which decides and
names the problems (and is imported only then: it takes longer to import than a rule set takes to
check with the compiled schemas).

fastjsonschema knows the drafts up to 7; a schema is compiled only when every keyword it uses
means the same there as in draft 2020-12, so a compiled check is never more lenient than
jsonschema's on documents as the JSON and YAML readers give them (lists, never tuples). Where
it is stricter (a `pattern`'s `$` before a last newline), the document goes the full way.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

#: Keywords that mean the same in draft 7 and draft 2020-12, and the annotations (no effect).
SAME_IN_DRAFT_7 = frozenset(
    {
        "type",
        "enum",
        "const",
        "properties",
        "additionalProperties",
        "required",
        "propertyNames",
        "items",
        "minItems",
        "maxItems",
        "uniqueItems",
        "minProperties",
        "maxProperties",
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "oneOf",
        "anyOf",
        "allOf",
        "not",
        "format",
        "$schema",
        "$id",
        "title",
        "description",
        "examples",
        "$comment",
    }
)
_SCHEMA_LISTS = frozenset({"oneOf", "anyOf", "allOf"})
_SCHEMA_VALUES = frozenset({"additionalProperties", "propertyNames", "items", "not"})
#: The one format checked: as jsonschema checks it (ASCII digits, then a real calendar date).
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)

Check = Callable[[Any], Any]
_COMPILED: dict[int, tuple[dict[str, Any], Check | None]] = {}


def is_iso_date(value: Any) -> bool:
    """jsonschema's `date` format: text that is not a date fails; anything else is not its business."""
    if not isinstance(value, str):
        return True
    try:
        return bool(_DATE.fullmatch(value)) and bool(date.fromisoformat(value))
    except ValueError:
        return False


def same_in_draft_7(schema: Any) -> bool:
    """Whether every keyword in `schema`, at every depth, means the same in draft 7."""
    if isinstance(schema, bool):
        return True
    if not isinstance(schema, dict) or not SAME_IN_DRAFT_7.issuperset(schema):
        return False
    if "format" in schema and schema["format"] != "date":
        return False
    if not isinstance(schema.get("items", {}), dict | bool):  # a list of schemas is 2020-12's prefixItems
        return False
    nested = [*schema.get("properties", {}).values()]
    nested += [schema[key] for key in _SCHEMA_VALUES if key in schema]
    nested += [item for key in _SCHEMA_LISTS for item in schema.get(key, [])]
    return all(same_in_draft_7(part) for part in nested)


def _compile(schema: dict[str, Any]) -> Check | None:
    if not same_in_draft_7(schema):
        return None
    import fastjsonschema

    draft_7 = {**schema, "$schema": "http://json-schema.org/draft-07/schema#"}
    # Its exceptions are only a no: no message or sub-schema written into the code (3 times faster to build).
    check: Check = fastjsonschema.compile(
        draft_7, formats={"date": is_iso_date}, use_default=False, detailed_exceptions=False
    )
    return check


def compiled(schema: dict[str, Any]) -> Check | None:
    """The compiled check of `schema` (built once per schema object), or None when it uses a
    keyword whose meaning draft 7 does not share."""
    found = _COMPILED.get(id(schema))
    if found is None or found[0] is not schema:
        found = _COMPILED[id(schema)] = (schema, _compile(schema))
    return found[1]


def accepts(schema: dict[str, Any], data: Any) -> bool:
    """True when the compiled schema accepts `data`; False when it refuses or cannot be compiled
    (then only jsonschema can answer)."""
    check = compiled(schema)
    if check is None:
        return False
    import fastjsonschema

    try:
        check(data)
    except fastjsonschema.JsonSchemaException:
        return False
    return True
