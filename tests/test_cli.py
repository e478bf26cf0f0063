"""The command line, in-process with typer's CliRunner."""

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from kg.cli import app
from tests.conftest import FIXTURE_DATA

runner = CliRunner()


def kg(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_build_prints_counts(tmp_path):
    result = kg("build", "--data", FIXTURE_DATA, "--store", tmp_path / "s")
    assert result.exit_code == 0, result.output
    assert "4 sources, 42 claims" in result.output


def test_validate_ok():
    result = kg("validate", "--data", FIXTURE_DATA)
    assert result.exit_code == 0 and "valid (4 sources, 42 claims)" in result.output


def test_claims_json_fields(fixture_store):
    result = kg("claims", "--store", fixture_store, "--model", "open chat 70b", "-F", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["question"] == "claims" and data["parameters"]["subject"] == "open chat 70b"
    rows = data["rows"]
    assert len(rows) == 12
    for row in rows:
        assert {"subject", "mention", "property", "unit", "approximate", "setting", "source",
                "source_date", "locator"} <= row.keys()
        assert "value" in row or ("min" in row and "max" in row)


def test_claims_filters_and_csv(fixture_store):
    result = kg("claims", "--store", fixture_store, "--benchmark", "benchtext", "-F", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {r["kind"] for r in rows} == {"score", "comparison"}
    assert len([r for r in rows if r["kind"] == "score"]) == 5


def test_unknown_name_suggests_closest(fixture_store):
    result = kg("claims", "--store", fixture_store, "--model", "opn chat 70")
    assert result.exit_code == 2
    assert "closest matches: open-chat-70b" in result.output


def test_missing_store_is_a_clear_error(tmp_path):
    result = kg("claims", "--store", tmp_path / "nothing")
    assert result.exit_code == 2 and "run 'kg build' first" in result.output


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "tsv"])
def test_sparql_select_formats(fixture_store, fmt):
    text = "PREFIX pk: <https://w3id.org/paritykg/vocab#> SELECT ?m WHERE { ?m a pk:Model } ORDER BY ?m"
    result = kg("sparql", text, "--store", fixture_store, "-F", fmt)
    assert result.exit_code == 0, result.output
    assert "closed-mini" in result.output
    if fmt == "json":
        assert len(json.loads(result.output)) == 5


def test_sparql_ask_construct_describe(fixture_store, tmp_path):
    ask = kg("sparql", "ASK { ?s ?p ?o }", "--store", fixture_store)
    assert ask.output.strip() == "true"
    construct = kg("sparql", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2", "--store", fixture_store)
    assert construct.exit_code == 0 and construct.output.count(" .") >= 1
    query_file = tmp_path / "q.rq"
    query_file.write_text("DESCRIBE <https://w3id.org/paritykg/id/model/vision-78b>")
    describe = kg("sparql", "-f", query_file, "--store", fixture_store)
    assert "Vision-78B" in describe.output


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "LOAD <http://example.org/data.ttl>",
    "DROP ALL",
])
def test_sparql_refuses_service_and_updates(fixture_store, text):
    result = kg("sparql", text, "--store", fixture_store)
    assert result.exit_code == 2
    assert "disabled" in result.output or "read-only" in result.output


def test_sparql_keywords_inside_strings_are_fine(fixture_store):
    result = kg("sparql", 'SELECT ("SERVICE and DROP" AS ?x) WHERE {}', "--store", fixture_store)
    assert result.exit_code == 0 and "SERVICE and DROP" in result.output


def test_sparql_syntax_error(fixture_store):
    result = kg("sparql", "SELECT WHERE {", "--store", fixture_store)
    assert result.exit_code == 2 and "query syntax error" in result.output


@pytest.mark.parametrize("fmt", ["ttl", "nq", "jsonld"])
def test_export(fixture_store, tmp_path, fmt):
    out = tmp_path / f"all.{fmt}"
    result = kg("export", "-F", fmt, "-o", out, "--store", fixture_store)
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "vision-78b" in text
    if fmt == "nq":
        assert "<https://w3id.org/paritykg/graph/source/parity-article>" in text


def test_query_parity_json_shape(fixture_store):
    result = kg("query", "parity", "--store", fixture_store, "-F", "json", "--as-of", "2025-12-31")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["question"] == "parity" and data["parameters"]["as_of"] == "2025-12-31"
    row = data["rows"][0]
    assert {"benchmark", "category", "best_open", "best_closed", "gap", "verdict"} <= row.keys()
    assert {"model", "value", "source"} <= row["best_open"].keys()
    assert data["categories"]
    assert data["policy"]["as_of"] == "2025-12-31" and data["policy"]["sources"] == "any"


def test_query_parity_table_states_its_policy_above_the_table(fixture_store):
    result = runner.invoke(
        app, ["query", "parity", "--store", str(fixture_store), "--tools", "without"])
    assert result.exit_code == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("policy: ") and "tools = without" in first and "openness = weights" in first
    as_json = runner.invoke(
        app, ["query", "parity", "--store", str(fixture_store), "--tools", "without", "-F", "json"])
    assert as_json.stdout.lstrip().startswith("{")


@pytest.mark.parametrize(("fmt", "marker"), [("tree", "built on"), ("dot", "digraph"),
                                             ("mermaid", "flowchart"), ("json", '"rows"')])
def test_query_lineage_formats(fixture_store, fmt, marker):
    result = kg("query", "lineage", "Vision-78B", "--store", fixture_store, "-F", fmt)
    assert result.exit_code == 0, result.output
    assert marker in result.output


def test_query_bad_options(fixture_store):
    assert kg("query", "parity", "--colour", "red", "--store", fixture_store).exit_code == 2
    assert kg("query", "parity", "--openness", "free", "--store", fixture_store).exit_code == 2
    assert kg("query", "nope", "--store", fixture_store).exit_code == 2
    assert kg("query", "lineage", "--store", fixture_store).exit_code == 2


def test_query_list_and_help_params():
    listing = kg("query", "--list")
    assert "parity" in listing.output and "lineage" in listing.output
    help_params = kg("query", "parity", "--help-params")
    assert "--as-of" in help_params.output and "--openness" in help_params.output


def test_lint_check_reports_non_canonical(tmp_path, data_copy):
    path = data_copy / "sources" / "sceptic-report.yaml"
    path.write_text(path.read_text() + "\n\n")
    result = kg("lint", "--data", data_copy, "--check")
    assert result.exit_code == 1 and "sceptic-report.yaml" in result.output
    assert kg("lint", "--data", data_copy).exit_code == 0
    assert kg("lint", "--data", data_copy, "--check").exit_code == 0


def test_query_lineage_svg_or_clear_message(fixture_store):
    import shutil

    result = kg("query", "lineage", "Vision-78B", "--store", fixture_store, "-F", "svg")
    if shutil.which("dot"):
        assert result.exit_code == 0 and "<svg" in result.output
    else:
        assert result.exit_code == 2 and "Graphviz" in result.output


def test_query_parity_svg_chart(fixture_store):
    from xml.dom.minidom import parseString

    result = kg("query", "parity", "--store", fixture_store, "-F", "svg", "--tools", "without")
    assert result.exit_code == 0, result.output
    document = parseString(result.stdout)
    texts = " ".join(node.firstChild.data for node in document.getElementsByTagName("text") if node.firstChild)
    assert {"BenchText", "BenchCode", "BenchVision", "BenchErrors"} <= set(texts.split())
    assert "BenchText [easy subset]" in texts and "splits = separate" in texts
    assert "tools = without" in texts and "open leads (+2)" in texts
    # one dot per side for the four percent benchmarks with both sides, one for the open-only split
    assert len(document.getElementsByTagName("circle")) == 9


def test_query_trend_table_csv_and_svg(fixture_store):
    from xml.dom.minidom import parseString

    result = kg("query", "trend", "--store", fixture_store, "--benchmark", "benchvision", "-F", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["date"], r["verdict"]) for r in rows] == [("2024-06-01", "no open data"),
                                                         ("2025-03-31", "closed leads")]
    chart = kg("query", "trend", "--store", fixture_store, "--benchmark", "benchvision", "-F", "svg")
    document = parseString(chart.stdout)
    # a dot per day and side that has a score: closed on both days, open from March
    assert len(document.getElementsByTagName("circle")) == 3
    assert "closed leads (-4)" in chart.stdout and "benchmark = benchvision" in chart.stdout
    missing = kg("query", "trend", "--store", fixture_store)
    assert missing.exit_code == 2 and "--benchmark" in missing.output


def test_parity_chart_lists_other_units_under_the_axis(fixture_store):
    from kg import answers, charts

    result = answers.parity(fixture_store)
    every_dot = charts.parity_svg(result).count("<circle")
    result["benchmarks"][0]["unit"] = "elo"
    svg = charts.parity_svg(result)
    assert svg.count("<circle") == every_dot - 2 and "(elo)" in svg


def test_svg_is_refused_for_table_only_questions(fixture_store):
    result = kg("query", "coverage", "--store", fixture_store, "-F", "svg")
    assert result.exit_code == 2 and "lineage, parity and trend" in result.output


def test_table_cells_in_square_brackets_are_shown_not_read_as_markup():
    """Regression: parity rows 'τ-bench [airline]' showed as 'τ-bench' (Rich ate the tag)."""
    from kg.output import Format, render_rows

    text = render_rows([{"benchmark": "τ-bench [airline]", "note": "[bold]x[/bold]"}], Format.table)
    assert "τ-bench [airline]" in text and "[bold]x[/bold]" in text
