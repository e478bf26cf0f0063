"""RDF terms as plain Python values, one rule for every engine (embedded or remote)."""

from decimal import Decimal
from typing import Any

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + name for name in (
    "integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
    "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong",
    "unsignedShort", "unsignedByte")}


def plain_value(lexical: str, datatype: str | None) -> Any:
    """A literal's value: numbers as int (whole, written without a point) or float, booleans as bool."""
    if datatype in NUMERIC:
        number = Decimal(lexical)
        whole = number == number.to_integral_value() and "." not in lexical and "e" not in lexical.lower()
        return int(number) if whole else float(number)
    if datatype == XSD + "boolean":
        return lexical in ("true", "1")
    return lexical


def as_boolean(value: Any) -> Any:
    """A true/false cell as a bool whether the engine wrote a boolean or 1/0; unbound stays None."""
    if value is None or isinstance(value, bool):
        return value
    if value in (1, 0, "1", "0", "true", "false"):
        return value in (1, "1", "true")
    return value


def sorted_items(value: Any) -> Any:
    """A GROUP_CONCAT of a set with its items in sorted order (items separated by ", " or by " ").

    An empty set is None: engines write it as an empty string or leave it unbound.
    """
    if value == "":
        return None
    if not isinstance(value, str):
        return value
    separator = ", " if ", " in value else " "
    return separator.join(sorted(value.split(separator)))
