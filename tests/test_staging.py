"""Two-step evaluation (kg/staging.py): the same rows as the query run whole, on every parameter set."""

import re

import pyoxigraph as ox
import pytest

from kg import staging
from kg.binding import bind
from kg.canned import bind_parameters
from kg.queries import canned_query
from kg.session import Session
from kg.staging import combined, first_stage, second_stage, staged_texts
from kg.store import select_rows

PARITY_PARAMETERS = [{}, {"asOf": "2025-03-01"}, {"openness": "osi", "sources": "first-party"},
                     {"tools": "without", "attempts": "single", "splits": "pooled"}, {"threshold": "0.5"},
                     {"benchmark": "bench-text"}, {"source": "parity-article"}]


def _canonical(rows):
    return sorted(repr(sorted(row.items())) for row in rows)


@pytest.mark.parametrize("params", PARITY_PARAMETERS)
def test_parity_in_two_steps_gives_the_rows_of_the_whole_query(fixture_store, params):
    with Session(fixture_store) as session:
        bindings, _ = bind_parameters(canned_query("parity"), params, session.names())
        text = bind(canned_query("parity").text, bindings)
        assert first_stage(text) is not None
        whole = select_rows(session.store, text)  # the text as it stands: the marks are comments
        assert whole and _canonical(session.select(text)) == _canonical(whole)


CONTRADICTIONS_PARAMETERS = [{}, {"model": "open-base-70b"}, {"kind": "fact", "tolerance": "1"},
                             {"benchmark": "bench-code"}, {"model": "open-base-70b", "tolerance": "0.5"}]


@pytest.mark.parametrize("params", CONTRADICTIONS_PARAMETERS)
def test_contradictions_in_nested_stages_give_the_rows_of_the_whole_query(fixture_store, params):
    with Session(fixture_store) as session:
        bindings, _ = bind_parameters(canned_query("contradictions"), params, session.names())
        text = bind(canned_query("contradictions").text, bindings)
        whole = select_rows(session.store, text)
        assert whole and _canonical(session.select(text)) == _canonical(whole)


@pytest.mark.parametrize("params", [{}, {"source": "parity-article"}, {"tolerance": "2"}])
def test_audit_in_nested_stages_gives_the_rows_of_the_whole_query(fixture_store, params):
    with Session(fixture_store) as session:
        bindings, _ = bind_parameters(canned_query("audit"), params, session.names())
        text = bind(canned_query("audit").text, bindings)
        whole = select_rows(session.store, text)
        assert whole and _canonical(session.select(text)) == _canonical(whole)


@pytest.mark.parametrize("params", [{"subject": "open-base-70b"}, {"source": "parity-article"}, {}])
def test_claims_in_stages_give_the_rows_of_the_whole_query(fixture_store, params):
    with Session(fixture_store) as session:
        bindings, _ = bind_parameters(canned_query("claims"), params, session.names())
        text = bind(canned_query("claims").text, bindings)
        whole = select_rows(session.store, text)
        assert whole and _canonical(session.select(text)) == _canonical(whole)


QUERY = """PREFIX ex: <http://example.org/>
SELECT ?x ?label WHERE {
  # stage begin
  { SELECT ?x WHERE { ?x ex:p ?v } }
  # stage end
  OPTIONAL {
    # rows ?x
    ?x ex:label ?label
  }
}"""


def test_the_second_stage_inlines_the_rows_and_restricts_the_marked_join():
    first = first_stage(QUERY)
    assert first.startswith("PREFIX ex: <http://example.org/>") and "SELECT ?x WHERE" in first
    staged = second_stage(QUERY, (["x"], [[ox.NamedNode("http://example.org/a")],
                                          [ox.NamedNode("http://example.org/b")]]))
    assert "VALUES (?x) {\n  (<http://example.org/a>)\n  (<http://example.org/b>)\n}" in staged
    assert "VALUES ?x { <http://example.org/a> <http://example.org/b> }" in staged
    assert "SELECT ?x WHERE { ?x ex:p ?v }" not in staged


def test_a_variable_some_row_leaves_unbound_is_not_restricted():
    staged = second_stage(QUERY, (["x"], [[ox.NamedNode("http://example.org/a")], [None]]))
    assert "(UNDEF)" in staged and "# rows ?x" in staged and "VALUES ?x {" not in staged


def test_rows_with_a_blank_node_make_the_query_run_whole():
    assert second_stage(QUERY, (["x"], [[ox.BlankNode()]])) is None
    assert staged_texts(QUERY, lambda _first, _most: (["x"], [[ox.BlankNode()]])) == [QUERY]


def test_a_query_without_marks_runs_as_it_is():
    text = "SELECT ?s WHERE { ?s ?p ?o }"
    assert first_stage(text) is None
    assert staged_texts(text, lambda _first, _most: pytest.fail("no first stage to run")) == [text]


def test_a_stage_mark_around_something_else_than_a_group_is_refused():
    with pytest.raises(ValueError, match="one { SELECT"):
        first_stage("SELECT * WHERE {\n# stage begin\n?s ?p ?o .\n# stage end\n}")


def test_the_store_answers_the_example_the_same_both_ways():
    store = ox.Store()
    ex = "http://example.org/"
    for subject, label in (("a", "A"), ("b", None)):
        store.add(ox.Quad(ox.NamedNode(ex + subject), ox.NamedNode(ex + "p"), ox.Literal("1"), ox.DefaultGraph()))
        if label:
            store.add(ox.Quad(ox.NamedNode(ex + subject), ox.NamedNode(ex + "label"), ox.Literal(label),
                              ox.DefaultGraph()))
    whole = select_rows(store, QUERY)
    [staged] = staged_texts(QUERY, lambda first, _most: (["x"], [[s["x"]] for s in store.query(first)]))
    assert _canonical(select_rows(store, staged)) == _canonical(whole) and len(whole) == 2


NESTED = """PREFIX ex: <http://example.org/>
SELECT ?x ?y ?label WHERE {
  # stage begin
  { SELECT ?x ?y WHERE {
      # stage begin
      { SELECT ?x WHERE { ?x ex:p ?v } }
      # stage end
      { SELECT ?x ?y WHERE {
          # rows ?x
          ?x ex:q ?y } }
  } }
  # stage end
  OPTIONAL {
    # rows ?y
    ?y ex:label ?label
  }
}"""


def _example_store() -> ox.Store:
    store = ox.Store()
    ex = "http://example.org/"
    for x, y, label in (("a", "c", "C"), ("b", "d", None), ("e", None, None)):
        node = ox.NamedNode(ex + x)
        store.add(ox.Quad(node, ox.NamedNode(ex + "p"), ox.Literal("1"), ox.DefaultGraph()))
        if y:
            store.add(ox.Quad(node, ox.NamedNode(ex + "q"), ox.NamedNode(ex + y), ox.DefaultGraph()))
        if label:
            store.add(ox.Quad(ox.NamedNode(ex + y), ox.NamedNode(ex + "label"), ox.Literal(label),
                              ox.DefaultGraph()))
    return store


def test_nested_stages_run_innermost_first_and_each_fills_the_rows_it_holds():
    store = _example_store()
    asked = []

    def run(first: str, _most: int):
        asked.append(first)
        solutions = store.query(first)
        names = [v.value for v in solutions.variables]
        return names, [[s[name] for name in names] for s in solutions]

    [staged] = staged_texts(NESTED, run)
    assert "SELECT ?x WHERE { ?x ex:p ?v }" in asked[0] and "VALUES ?x {" in asked[1]
    assert "VALUES ?y { <http://example.org/c> <http://example.org/d> }" in staged and "# stage" not in staged
    assert _canonical(select_rows(store, staged)) == _canonical(select_rows(store, NESTED))
    assert len(select_rows(store, NESTED)) == 2


def test_a_stage_with_more_rows_than_the_limit_leaves_the_text_to_run_as_it_stands(monkeypatch):
    store = _example_store()
    monkeypatch.setattr(staging, "STAGE_ROWS_LIMIT", 2)

    def run(first: str, _most: int):
        solutions = store.query(first)
        names = [v.value for v in solutions.variables]
        return names, [[s[name] for name in names] for s in solutions]

    assert staged_texts(NESTED, run) == [NESTED]


def test_a_rows_line_with_more_values_than_the_limit_stays_a_comment(monkeypatch):
    monkeypatch.setattr(staging, "ROWS_LIMIT", 1)
    rows = [[ox.NamedNode("http://example.org/a")], [ox.NamedNode("http://example.org/b")]]
    staged = second_stage(QUERY, (["x"], rows))
    assert "# rows ?x" in staged and "VALUES ?x {" not in staged and "VALUES (?x)" in staged


def test_a_rows_line_may_state_the_most_values_it_is_written_with(monkeypatch):
    monkeypatch.setattr(staging, "ROWS_LIMIT", 1)
    rows = [[ox.NamedNode("http://example.org/a")], [ox.NamedNode("http://example.org/b")]]
    wider = QUERY.replace("# rows ?x", "# rows ?x at most 2")
    assert "VALUES ?x { <http://example.org/a> <http://example.org/b> }" in second_stage(wider, (["x"], rows))
    narrower = QUERY.replace("# rows ?x", "# rows ?x at most 1")
    monkeypatch.setattr(staging, "ROWS_LIMIT", 5)
    staged = second_stage(narrower, (["x"], rows))
    assert "# rows ?x at most 1" in staged and "VALUES ?x {" not in staged


def test_a_stage_end_without_its_begin_is_refused():
    with pytest.raises(ValueError, match="without its"):
        first_stage("SELECT * WHERE {\n{ SELECT ?s WHERE { ?s ?p ?o } }\n# stage end\n}")


def test_a_stage_may_state_the_most_rows_it_is_inlined_with():
    store = _example_store()
    limited = NESTED.replace("      # stage begin", "      # stage begin at most 1 rows", 1)  # the inner one
    asked = []

    def run(first: str, most: int):
        asked.append(most)
        solutions = store.query(first)
        names = [v.value for v in solutions.variables]
        return names, [[s[name] for name in names] for s in solutions][:most]

    assert staged_texts(limited, run) == [limited]  # 3 rows: more than the stage states
    assert asked == [2]
    assert staged_texts(NESTED, run) != [NESTED] and asked[1] == staging.STAGE_ROWS_LIMIT + 1


def _order_of(text: str, rows):
    keys = [key.group("wrapped") or key.group("bare")
            for key in staging.ORDER_KEY.finditer(staging.ORDER_BY.search(staging._tail(text)).group("keys"))]
    return [tuple(repr(row[key]) for key in keys) for row in rows]


@pytest.mark.parametrize(("question", "params"), [("contradictions", {}), ("contradictions", {"kind": "score"}),
                                                  ("claims", {}), ("claims", {"source": "parity-article"}),
                                                  ("claims", {"subject": "open-base-70b"}),
                                                  ("trend", {"benchmark": "bench-text"})])
def test_a_stage_in_batches_gives_the_rows_of_the_whole_query_in_its_order(fixture_store, question, params):
    with Session(fixture_store) as session:
        bindings, _ = bind_parameters(canned_query(question), params, session.names())
        text = bind(canned_query(question).text, bindings)
        assert "rows in batches" in text
        small = re.sub(r"at most \d+ rows in batches", "at most 1 rows in batches", text)
        whole = select_rows(session.store, text)
        batched = session.select(small)
        assert len(whole) > 1 and _canonical(batched) == _canonical(whole)
        if staging.ORDER_BY.search(staging._tail(text)):
            assert _order_of(text, batched) == _order_of(text, whole)


def test_batches_are_combined_without_repeats_for_select_distinct_and_in_order():
    text = "SELECT DISTINCT ?x ?n WHERE { ?x ?p ?n } ORDER BY DESC(?n) ?x"
    parts = [[{"x": "b", "n": 1}, {"x": "a", "n": 2}], [{"x": "a", "n": 2}, {"x": "c", "n": None}]]
    assert combined(text, parts) == [{"x": "a", "n": 2}, {"x": "b", "n": 1}, {"x": "c", "n": None}]
    assert combined("SELECT ?x WHERE { ?x ?p ?n }", parts) == parts[0] + parts[1]


def test_each_batch_of_a_stage_makes_a_text_and_other_stages_keep_their_limit():
    store = _example_store()
    batched = NESTED.replace("      # stage begin", "      # stage begin at most 1 rows in batches", 1)

    def run(first: str, most: int | None):
        solutions = store.query(first)
        names = [v.value for v in solutions.variables]
        return names, [[s[name] for name in names] for s in solutions][:most]

    texts = staged_texts(batched, run)
    assert len(texts) == 3 and all("# stage" not in text for text in texts)
    rows = combined(NESTED, [select_rows(store, text) for text in texts])
    assert _canonical(rows) == _canonical(select_rows(store, NESTED))


def test_a_stage_in_batches_is_refused_in_a_query_with_a_limit():
    store = _example_store()
    limited = NESTED.replace("      # stage begin", "      # stage begin at most 1 rows in batches", 1) + " LIMIT 5"

    def run(first: str, _most: int | None):
        solutions = store.query(first)
        names = [v.value for v in solutions.variables]
        return names, [[s[name] for name in names] for s in solutions]

    with pytest.raises(ValueError, match="LIMIT or OFFSET"):
        staged_texts(limited, run)
