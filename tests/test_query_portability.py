"""Lint of the canned queries for constructs whose meaning differs between SPARQL engines.

Each rule is one that broke a question on a real engine (docs/scale-out.md): errors-as-false
inside COALESCE, date functions of possibly unbound values, booleans an engine writes as 1/0,
optional property paths, parameters placed other than by "# bind" lines, transitive paths,
number parameters projected as bound (grouped or not), the same sub-select computed twice.
tests/test_engines.py checks the answers themselves on the Oxigraph server and Virtuoso.
"""

import re

import pytest

from kg.binding import marked_variables
from kg.queries import canned_queries

QUERIES = sorted(canned_queries())


def _code(name: str) -> str:
    """The query text without comment lines."""
    return "\n".join(line for line in canned_queries()[name].text.splitlines()
                     if not line.lstrip().startswith("#"))


def _calls(text: str, function: str) -> list[tuple[int, str]]:
    """(position, argument text) of every call of ``function`` in the text."""
    calls = []
    for match in re.finditer(rf"\b{function}\s*\(", text):
        depth, end = 1, match.end()
        while depth and end < len(text):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            end += 1
        calls.append((match.start(), text[match.end():end - 1]))
    return calls


def _enclosing_if_conditions(text: str, position: int) -> list[str]:
    """The conditions of every IF(...) whose parentheses enclose ``position``."""
    conditions = []
    for start, arguments in _calls(text, "IF"):
        if start < position < start + len(arguments) + 4:
            depth, cut = 0, len(arguments)
            for index, char in enumerate(arguments):
                depth += {"(": 1, ")": -1}.get(char, 0)
                if char == "," and depth == 0:
                    cut = index
                    break
            conditions.append(arguments[:cut])
    return conditions


@pytest.mark.parametrize("name", QUERIES)
def test_no_comparison_inside_coalesce(name):
    # COALESCE(?x = ?param, true) is true on an unbound ?param in Oxigraph and false in Virtuoso:
    # test with BOUND() instead.
    for _, arguments in _calls(_code(name), "COALESCE"):
        assert not re.search(r"(?<![<>!])=|!=|<=|>=", arguments), f"{name}: COALESCE({arguments})"


@pytest.mark.parametrize("name", QUERIES)
def test_date_functions_only_on_values_known_to_be_bound(name):
    # YEAR() of an unbound date is an HTTP 500 on Virtuoso: guard it with IF(BOUND(...), ...).
    code = _code(name)
    for function in ("YEAR", "MONTH", "DAY"):
        for position, arguments in _calls(code, function):
            variable = re.search(r"\?(\w+)", arguments).group(1)
            guards = _enclosing_if_conditions(code, position)
            assert any(f"BOUND(?{variable})" in guard for guard in guards), (
                f"{name}: {function}(?{variable}) is not inside IF(BOUND(?{variable}) ...)")


@pytest.mark.parametrize("name", QUERIES)
def test_computed_booleans_are_declared(name):
    # Virtuoso writes a computed true/false as 1/0; a projected boolean column is declared in the
    # header ("booleans:") so it reads back as a boolean from every engine.
    canned = canned_queries()[name]
    code = _code(name)
    projected = set(re.findall(r"\?(\w+)", code[:code.index("WHERE")]))
    computed = set(re.findall(r",\s*true\s*,\s*false\s*\)\s*AS\s+\?(\w+)", code))
    undeclared = (computed & projected) - set(canned.booleans)
    assert not undeclared, f"{name}: computed booleans not in the '#+ booleans:' header: {sorted(undeclared)}"


@pytest.mark.parametrize("name", QUERIES)
def test_declared_columns_exist(name):
    canned = canned_queries()[name]
    code = _code(name)
    projected = set(re.findall(r"\?(\w+)", code[:code.index("WHERE")]))
    missing = (set(canned.booleans) | set(canned.sets)) - projected
    assert not missing, f"{name}: header declares columns the query does not return: {sorted(missing)}"


@pytest.mark.parametrize("name", QUERIES)
def test_no_property_path_inside_optional(name):
    # Engines disagree on optional property paths joined to bound variables (a trend change day
    # went missing on Virtuoso): keep paths out of OPTIONAL.
    for match in re.finditer(r"OPTIONAL\s*\{", _code(name)):
        block = _code(name)[match.end():]
        depth, end = 1, 0
        while depth:
            depth += {"{": 1, "}": -1}.get(block[end], 0)
            end += 1
        assert not re.search(r"\)[*+?]|[>\w]\s*[*+]\s+\?", block[:end]), f"{name}: property path in OPTIONAL"


@pytest.mark.parametrize("name", QUERIES)
def test_parameters_only_through_bind_lines(name):
    # A VALUES block written into the text by hand would bypass the one binding mechanism
    # (kg/binding.py) that every engine receives in the form it evaluates correctly.
    assert not re.search(r"\bVALUES\b", _code(name), re.I), f"{name}: VALUES in the query text"


@pytest.mark.parametrize("name", QUERIES)
def test_no_transitive_property_paths(name):
    # Virtuoso 7 runs a * or + path only when one end is bound "by equality" in a way its compiler
    # sees, and refused lineage down from a bound model: reachability is precomputed at build time
    # (the lineage closure in the derived graph, kg/keys.py) and joined on.
    paths = re.findall(r"(?:\b\w*:\w+|<[^<>\s]*>|\))[*+](?=[\s/)|.;])", _code(name))
    assert not paths, f"{name}: transitive property path(s) {paths}"


NUMBER_PARAMETERS_PROJECTED_AS_BOUND: dict[str, str] = {}
"""Queries known to break the rule below, with the fix; a strict xfail, so a fixed one fails until removed."""


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.xfail(reason=NUMBER_PARAMETERS_PROJECTED_AS_BOUND[name], strict=True))
    if name in NUMBER_PARAMETERS_PROJECTED_AS_BOUND else name for name in QUERIES])
def test_number_parameters_are_not_projected_as_constants(name):
    # Virtuoso 7 cannot sort a result one of whose columns is a bound decimal with a fraction
    # (error SR128 on audit --tolerance 0.5, contradictions --tolerance 0.5, parity --threshold 0.5),
    # even when the column goes through GROUP BY: a projected number is a copy computed per row
    # (BIND (?xParam + 0 AS ?x)), never the bound variable itself.
    canned = canned_queries()[name]
    code = _code(name)
    projected = set(re.findall(r"\?(\w+)", code[:code.index("WHERE")]))
    marked = marked_variables(canned.text)
    for param in canned.params:
        variable = param.name + "Param" if param.name + "Param" in marked else param.name
        if param.kind == "number" and variable in marked:
            assert variable not in projected, (
                f"{name}: number parameter ?{variable} is projected as bound; project a copy computed per row")
            assert re.search(rf"\?{variable}\s*\+\s*0\s+AS\s+\?{param.name}\b", code), (
                f"{name}: number parameter ?{variable} has no row-computed copy ?{param.name}")


def _sub_selects(text: str) -> list[str]:
    """The text of every sub-select ``{ SELECT ... }``, whitespace collapsed."""
    selects = []
    for match in re.finditer(r"\{\s*SELECT\b", text):
        depth, end = 1, match.start() + 1
        while depth and end < len(text):
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        selects.append(" ".join(text[match.start():end].split()))
    return selects


@pytest.mark.parametrize("name", QUERIES)
def test_no_sub_select_is_computed_twice(name):
    # Virtuoso 7 failed with an internal error (VECSL) on lag --benchmark when the same grouped
    # sub-select, narrowed by the bound benchmark, was computed in both branches of a UNION:
    # compute it once and join (or OPTIONAL) what differs.
    selects = _sub_selects(_code(name))
    repeated = {select[:80] for select in selects if selects.count(select) > 1}
    assert not repeated, f"{name}: sub-select(s) computed more than once: {sorted(repeated)}"
