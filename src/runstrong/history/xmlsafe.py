"""Guards for the XML formats (GPX, TCX): no entity declarations, decoded text."""

from __future__ import annotations

import re

from runstrong.history.model import ImportFailure

_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def xml_text(data: bytes, kind: str) -> str:
    """The text of an XML activity file; entity declarations (how a small file expands into gigabytes) are refused."""
    if _DECLARATION.search(data):
        raise ImportFailure(f"{kind} file with a DOCTYPE or ENTITY declaration (activity files need none)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailure(f"{kind} file is not UTF-8 (byte {error.start})") from error
