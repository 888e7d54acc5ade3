"""The strict loader's quick looks (`_nesting` before parsing, `_within_limits` before the walk
that names each path) give the answers of the slow walks they stand in for."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from runstrong.snapshot.strict import MAX_LIST, MAX_MAGNITUDE, MAX_STRING, _nesting, _within_limits, limit_problems


def nesting_char_by_char(text: str) -> int:
    """The deepest nesting of brackets outside strings, one character at a time."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


@given(st.text(alphabet='[]{}"\\ a\n:,', max_size=40))
def test_nesting_is_the_char_by_char_count(text: str) -> None:
    assert _nesting(text) == nesting_char_by_char(text)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2 * int(MAX_MAGNITUDE), 2 * int(MAX_MAGNITUDE)),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([MAX_MAGNITUDE, -MAX_MAGNITUDE, math.nextafter(MAX_MAGNITUDE, math.inf)]),
    st.text(max_size=5),
    st.sampled_from(["\udc80x", "x" * MAX_STRING, "x" * (MAX_STRING + 1)]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.text(max_size=3), st.integers(0, 3)), inner, max_size=4),
        st.just(list(range(MAX_LIST + 1))),
    ),
    max_leaves=20,
)


@given(values)
def test_within_limits_exactly_when_the_walk_finds_nothing(value: Any) -> None:
    assert _within_limits(value) == (limit_problems(value) == [])
