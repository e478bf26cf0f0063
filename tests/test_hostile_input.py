"""Hostile and careless input: every bad input a clean one-line error, nothing lost, nothing reached.

One regression test per case reported in the hostile-input issue, named for it, plus generated
sets (SPARQL string/comment/IRI tricks; bad inputs to every command).
"""

import itertools
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.resolve import NAMES_SUFFIX
from kg.sparql import QueryRefused, check_read_only, run_sparql
from kg.store import current_generation, open_store
from tests.conftest import FIXTURE_DATA, tree_digest
from tests.test_bad_input import SCORE, SOURCE_HEAD

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent


def kg(*args: object, **env: str):
    return runner.invoke(app, [str(a) for a in args], env=env or None)


def kg_process(*args: object, cwd: Path | None = None, env: dict | None = None,
               timeout: float = 120) -> subprocess.CompletedProcess:
    """The real ``kg`` entry point in a child process (its own start-up and exit code)."""
    return subprocess.run([sys.executable, "-m", "kg", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env={**os.environ, **(env or {})}, timeout=timeout)


# --- SPARQL: the read-only guard decides by parsing ------------------------------------------

class Listener:
    """A TCP listener on 127.0.0.1 that records every connection made to it."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.contacts = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except (TimeoutError, OSError):
                continue
            self.contacts += 1
            connection.close()

    def close(self):
        self._stop.set()
        self._thread.join()
        self.socket.close()


@pytest.fixture
def listener():
    opened = Listener()
    yield opened
    opened.close()


SERVICE_FORMS = ["SERVICE <{url}> {{ ?s ?p ?o }}", "service <{url}> {{ ?s ?p ?o }}",
                 "SERVICE SILENT <{url}> {{ ?s ?p ?o }}", "SeRvIcE\n<{url}>\n{{ ?s ?p ?o }}"]
TRICK_PREFIXES = [
    'BIND("""a\\"""" AS ?x)',                 # the reported bypass: long string ending in \"
    "BIND('''a\\'''' AS ?x)",
    'BIND("a\\\\" AS ?x)',
    'BIND("#" AS ?x)',
    "# a comment with a quote \" and SERVICE\n",
    'BIND(<http://e/#"> AS ?x)',
    'BIND("""multi\nline " "" """ AS ?x)',
    "?s <http://e/p> ?o .",
    "",
]
TRICK_SCOPES = ["{body}", "{{ SELECT * WHERE {{ {body} }} }}", "FILTER EXISTS {{ {body} }}",
                "OPTIONAL {{ {body} }}", "{{ ?a ?b ?c }} UNION {{ {body} }}", "MINUS {{ {body} }}",
                "GRAPH ?g {{ {body} }}"]


def _service_tricks(url: str) -> list[str]:
    queries = []
    for prefix, form, scope in itertools.product(TRICK_PREFIXES, SERVICE_FORMS, TRICK_SCOPES):
        body = prefix + " " + form.format(url=url)
        queries.append("SELECT * WHERE { " + scope.format(body=body) + " }")
    return queries


def test_service_bypass_by_long_string_with_escaped_quote_is_refused(fixture_store, listener):
    """Regression: BIND(\"\"\"a\\\"\"\"\" AS ?x) made the keyword scan miss the SERVICE after it."""
    url = f"http://127.0.0.1:{listener.port}/sparql"
    text = 'SELECT * WHERE { BIND("""a\\"""" AS ?x) SERVICE <' + url + '> { ?s ?p ?o } }'
    with open_store(fixture_store) as store, pytest.raises(QueryRefused, match="SERVICE"):
        run_sparql(store, text)
    time.sleep(0.3)
    assert listener.contacts == 0


def test_generated_service_tricks_are_all_refused_and_nothing_is_contacted(fixture_store, listener):
    url = f"http://127.0.0.1:{listener.port}/sparql"
    tricks = _service_tricks(url)
    assert len(tricks) > 200
    with open_store(fixture_store) as store:
        for text in tricks:
            with pytest.raises(QueryRefused):
                run_sparql(store, text)
    time.sleep(0.3)
    assert listener.contacts == 0


@pytest.mark.parametrize("text", [
    'SELECT ?x WHERE { BIND("SERVICE <http://127.0.0.1:{port}/> {{}}" AS ?x) }',
    "SELECT ?x WHERE { BIND(<http://127.0.0.1:{port}/SERVICE> AS ?x) }",
    "SELECT ?x WHERE { BIND(1 AS ?x) } # SERVICE <http://127.0.0.1:{port}/> {{}}",
    "SELECT ?service WHERE { BIND(1 AS ?service) }",
])
def test_service_only_in_strings_iris_comments_or_names_is_an_ordinary_read(fixture_store, listener, text):
    with open_store(fixture_store) as store:
        result = run_sparql(store, text.replace("{port}", str(listener.port)).replace("{{}}", "{}"))
    assert result.kind == "select"
    time.sleep(0.2)
    assert listener.contacts == 0


def test_service_through_the_endpoint_by_cross_origin_form_post_is_refused(fixture_store, listener):
    """Regression: the same bypass worked from a browser form POSTed to kg serve."""
    import urllib.error
    import urllib.parse
    import urllib.request

    from kg.web.server import running
    from kg.web.settings import ServeSettings

    with running(fixture_store, ServeSettings(port=0, workers=1)) as base:
        url = base + "/sparql"
        text = ('SELECT * WHERE { BIND("""a\\"""" AS ?x) SERVICE <http://127.0.0.1:'
                f'{listener.port}/> {{ ?s ?p ?o }} }}')
        body = urllib.parse.urlencode({"query": text}).encode()
        request = urllib.request.Request(url, data=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Origin": "http://evil.example"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 403
    time.sleep(0.3)
    assert listener.contacts == 0


@pytest.mark.parametrize("text", [
    "SELECT ?add WHERE { BIND(1 AS ?add) }",
    "SELECT ?with ?create WHERE { BIND(1 AS ?with) BIND(2 AS ?create) }",
    "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:copy ?o }",
    "SELECT ?load ?drop ?clear ?insert ?delete ?move WHERE { BIND(1 AS ?load) }",
    "ASK { ?s <http://example.org/DELETE> ?o }",
    "CONSTRUCT { ?s <http://example.org/insert> ?o } WHERE { ?s ?p ?o } LIMIT 1",
])
def test_legitimate_reads_with_update_words_in_names_are_accepted(fixture_store, text):
    """Regression: ?add, ?with, ?create and ex:copy were refused as updates."""
    check_read_only(text)
    with open_store(fixture_store) as store:
        run_sparql(store, text)


@pytest.mark.parametrize("text", [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "CLEAR ALL", "DROP GRAPH <http://a>", "CREATE GRAPH <http://a>",
    "ADD DEFAULT TO <http://a>", "MOVE DEFAULT TO <http://a>", "COPY DEFAULT TO <http://a>",
    "WITH <http://a> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
])
def test_updates_and_load_are_refused(text):
    with pytest.raises(QueryRefused, match="update"):
        check_read_only(text)


def test_service_is_allowed_only_when_the_operator_says_so():
    text = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    with pytest.raises(QueryRefused):
        check_read_only(text)
    check_read_only(text, allow_service=True)


def test_oversized_query_is_refused_before_parsing():
    with pytest.raises(QueryRefused, match="limit"):
        check_read_only("SELECT * WHERE { " + "?s ?p ?o . " * 20_000 + "}")


# --- data files: strict, bounded loading -----------------------------------------------------

HEAD = SOURCE_HEAD.replace("id: bad", "id: hostile").replace("A bad source", "A hostile source")
CLAIM = SCORE


def _source(body: str = CLAIM) -> str:
    return HEAD + textwrap.indent(body, "  ")


def _validate_with(data_copy: Path, name: str, text: str | bytes, **env: str):
    target = data_copy / "sources" / name
    target.write_bytes(text if isinstance(text, bytes) else text.encode())
    return kg("validate", "--data", data_copy, **env)


def _one_line_error(result) -> str:
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.stderr
    return lines[0]


def test_duplicate_value_key_in_a_claim_is_refused_with_line_and_key(data_copy):
    """Regression: two value: keys in one claim were accepted, the last silently winning."""
    line = _one_line_error(_validate_with(data_copy, "dup.yaml", _source(CLAIM + "  value: 60\n")))
    assert "sources/dup.yaml: claim 'the-claim': line 14: key 'value' appears twice" in line


def test_duplicate_claims_list_in_a_file_is_refused(data_copy):
    """Regression: a second claims: list silently dropped the first."""
    line = _one_line_error(_validate_with(data_copy, "dup.yaml", _source() + "claims:\n" + textwrap.indent(CLAIM, "  ")))
    assert "key 'claims' appears twice" in line


def test_yaml_alias_bomb_in_a_note_is_refused_quickly(data_copy):
    lines = [HEAD.rstrip("\n").replace("claims:", ""), '  note: &l0 "lol"']
    body = "\n".join(lines) + "\n"
    for level in range(1, 10):
        body += f"x{level}: &l{level} [" + ",".join([f"*l{level - 1}"] * 10) + "]\n"
    body += "claims:\n" + textwrap.indent(CLAIM, "  ")
    started = time.monotonic()
    line = _one_line_error(_validate_with(data_copy, "bomb.yaml", body))
    assert "alias" in line and time.monotonic() - started < 10


def test_fifty_megabyte_data_file_is_refused_by_size_without_parsing(data_copy):
    big = _source() + "# " + "x" * 1000 + "\n"
    big = big + ("# " + "y" * 998 + "\n") * (50 * 1024)
    started = time.monotonic()
    line = _one_line_error(_validate_with(data_copy, "big.yaml", big))
    assert "larger than the limit of 32 MiB" in line and "PARITYKG_MAX_FILE_MB" in line
    assert time.monotonic() - started < 10


def test_file_size_limit_can_be_raised(data_copy):
    text = _source() + ("# " + "y" * 98 + "\n") * 20_000  # about 2 MB
    assert "larger than" in _one_line_error(_validate_with(data_copy, "hostile.yaml", text,
                                                           PARITYKG_MAX_FILE_MB="1"))
    assert kg("validate", "--data", data_copy, PARITYKG_MAX_FILE_MB="3").exit_code == 0


def test_symlink_to_dev_zero_is_refused_without_reading_it(data_copy):
    (data_copy / "sources" / "zero.yaml").symlink_to("/dev/zero")
    line = _one_line_error(kg("validate", "--data", data_copy))
    assert "zero.yaml: file: is a symbolic link to /dev/zero, outside the data tree" in line


def test_symlink_leaving_the_data_tree_is_refused(data_copy, tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text(_source())
    (data_copy / "sources" / "link.yaml").symlink_to(outside)
    assert "outside the data tree" in _one_line_error(kg("validate", "--data", data_copy))


def test_symlink_inside_the_data_tree_is_fine(data_copy):
    (data_copy / "sources" / "again.yaml").symlink_to(data_copy / "sources" / "parity-article.yaml")
    result = kg("validate", "--data", data_copy)
    assert result.exit_code == 1 and "duplicate source id" in result.output  # read, then checked


def test_fifo_in_the_data_tree_is_refused(data_copy):
    os.mkfifo(data_copy / "sources" / "pipe.yaml")
    assert "not a regular file" in _one_line_error(kg("validate", "--data", data_copy))


def test_symlink_loop_is_a_message_not_a_traceback(data_copy):
    """Regression: a symlink loop crashed with a traceback."""
    (data_copy / "sources" / "loop.yaml").symlink_to(data_copy / "sources" / "loop.yaml")
    assert "symbolic link loop" in _one_line_error(kg("validate", "--data", data_copy))


def test_twenty_thousand_nested_brackets_are_a_message_not_a_traceback(data_copy):
    """Regression: 20,000 nested [ crashed with a traceback."""
    line = _one_line_error(_validate_with(data_copy, "deep.yaml", "source: " + "[" * 20_000))
    assert "deep.yaml" in line and ("nest" in line or "not valid YAML" in line)


def test_block_nesting_deeper_than_the_limit_is_refused(data_copy):
    deep = "".join("  " * level + f"k{level}:\n" for level in range(40)) + "  " * 40 + "leaf: 1\n"
    line = _one_line_error(_validate_with(data_copy, "deep.yaml", deep))
    assert "nested more than 32 levels deep" in line


@pytest.mark.parametrize("tag", ["!!binary aGVsbG8=", "!!python/object:os.system ls", "!!set {a: null}",
                                 "!!timestamp 2025-01-01", "!custom x"])
def test_tags_outside_the_core_schema_are_refused(data_copy, tag):
    text = HEAD.replace("title: A hostile source", f"title: {tag}") + textwrap.indent(CLAIM, "  ")
    line = _one_line_error(_validate_with(data_copy, "tag.yaml", text))
    assert "tag" in line or "not valid YAML" in line


def test_overlong_string_is_refused(data_copy):
    text = HEAD.replace("title: A hostile source", "title: " + "x" * 100_001) + textwrap.indent(CLAIM, "  ")
    assert "longer than the limit of 100,000" in _one_line_error(_validate_with(data_copy, "long.yaml", text))


def test_missing_source_date_names_the_key(data_copy):
    """Regression: a missing date was reported as "required key '' is missing"."""
    text = HEAD.replace("  date: 2025-05-01\n", "") + textwrap.indent(CLAIM, "  ")
    line = _one_line_error(_validate_with(data_copy, "nodate.yaml", text))
    assert "source 'hostile': required key 'date' is missing" in line


def test_invalid_utf8_is_a_message(data_copy):
    assert "cannot be read" in _one_line_error(_validate_with(data_copy, "bin.yaml", b"source: \xff\xfe\n"))


def test_big_honest_file_loads(data_copy):
    claims = "".join(CLAIM.replace("the-claim", f"c{i}").replace("value: 50", f"value: {i % 100}")
                     for i in range(3000))
    result = _validate_with(data_copy, "hostile.yaml", _source(claims))
    assert result.exit_code == 0, result.output


# --- parameters validated at the edge ---------------------------------------------------------

BAD_PARAMETERS = [
    (("parity", "--as-of", "20260302"), "--as-of needs a date as YYYY-MM-DD, YYYY-MM or YYYY"),
    (("parity", "--as-of", "2026-02-30"), "--as-of needs a date"),
    (("parity", "--as-of", "2026-03-02T10:00"), "--as-of needs a date"),
    (("parity", "--threshold", "NaN"), "--threshold needs a finite number"),
    (("parity", "--threshold", "-Infinity"), "--threshold needs a finite number"),
    (("parity", "--threshold", "-1"), "--threshold needs a finite number of 0 or more"),
    (("parity", "--threshold", "abc"), "--threshold needs a number"),
    (("lineage", "open-chat-70b", "--depth", "NaN"), "--depth needs a whole number of 1 or more"),
    (("lineage", "open-chat-70b", "--depth", "0"), "--depth needs a whole number"),
    (("lineage", "open-chat-70b", "--depth", "1.5"), "--depth needs a whole number"),
    (("contradictions", "--tolerance", "inf"), "--tolerance needs a finite number"),
    (("parity", "--openness", "free"), "--openness must be one of"),
    (("parity", "--no-such-option", "1"), "has no option --no-such-option"),
]
"""Bad values of canned-question parameters and the message each gets (also asked of remote engines)."""


@pytest.mark.parametrize(("args", "expected"), BAD_PARAMETERS)
def test_bad_parameters_are_one_line_errors_with_exit_2(fixture_store, args, expected):
    """Regression: --as-of 20260302 answered with no rows; NaN thresholds and depths crashed."""
    result = kg("query", *args, "--store", fixture_store)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0] and "Traceback" not in result.output


def test_partial_as_of_dates_mean_the_last_day_they_cover(fixture_store):
    def rows(as_of: str):
        result = kg("query", "parity", "--as-of", as_of, "-F", "json", "--store", fixture_store)
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)["rows"]

    assert rows("2025-03") == rows("2025-03-31")
    assert rows("2025") == rows("2025-12-31")


# --- no traceback reaches a user --------------------------------------------------------------

def _bad_inputs(store: Path, data: Path, tmp: Path) -> list[tuple[tuple, int]]:
    bad_file = tmp / "bad.yaml"
    bad_file.write_text(_source(CLAIM + "  value: 60\n"))
    missing = tmp / "missing"
    return [
        (("validate", "--data", missing), 1),
        (("build", "--data", missing, "--store", tmp / "never"), 1),
        (("add", tmp / "nope.yaml", "--store", store), 1),
        (("add", bad_file, "--store", store), 1),
        (("add", "/dev/zero", "--store", store), 1),
        (("add", bad_file, "--store", missing), 1),
        (("query", "parity", "--store", missing), 2),
        (("query", "no-such-question", "--store", store), 2),
        (("query", "lineage", "--store", store), 2),
        (("query", "lineage", "no-such-model", "--store", store), 2),
        (("query", "trend", "--store", store), 2),
        (("query", "parity", "-F", "svg", "--as-of", "x", "--store", store), 2),
        (("query", "parity", "--timeout", "NaN", "--store", store), 2),
        (("query", "parity", "--limit", "-3", "--store", store), 2),
        (("query", "contradictions", "--model", "", "--store", store), 2),
        (("sparql", "SELECT WHERE {", "--store", store), 2),
        (("sparql", "INSERT DATA { <a:a> <a:b> <a:c> }", "--store", store), 2),
        (("sparql", "-f", missing, "--store", store), 2),
        (("sparql", "ASK {}", "--timeout", "-Infinity", "--store", store), 2),
        (("sparql", "ASK {}", "--store", missing), 2),
        (("claims", "--model", "nobody", "--store", store), 2),
        (("export", "-F", "xml", "--store", store), 2),
        (("export", "--store", missing), 2),
        (("lint", "--data", missing), 1),
        (("serve", "--store", missing), 2),
    ]


def test_no_command_shows_a_traceback_on_bad_input(fixture_store, tmp_path):
    for args, code in _bad_inputs(fixture_store, tmp_path / "data", tmp_path):
        result = kg(*args)
        assert result.exit_code == code, (args, result.output)
        assert isinstance(result.exception, SystemExit), (args, result.exception)
        assert "Traceback" not in result.output, args
        stderr = result.stderr.strip().splitlines()
        assert len(stderr) == 1 and stderr[0].startswith("error:"), (args, result.stderr)


def test_the_installed_entry_point_turns_an_unexpected_failure_into_one_line(tmp_path):
    broken = tmp_path / "store"
    broken.mkdir()
    (broken / "CURRENT").write_text("garbage")
    done = kg_process("sparql", "ASK {}", "--store", broken)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


# --- atomic store replacement and serialised writers ---------------------------------------

KILL_AT = """
import os, shutil, signal, sys
from pathlib import Path
limit = int(sys.argv[3])
calls = 0
def hook(name, real):
    def wrapped(*args, **kwargs):
        global calls
        if any(".store" in str(a) or "/store" in str(a) for a in args):
            calls += 1
            if calls == limit:
                os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return wrapped
for name in ("symlink", "replace", "rename", "unlink", "rmdir", "mkdir"):
    setattr(os, name, hook(name, getattr(os, name)))
from kg.pipeline import build
build(Path(sys.argv[1]), Path(sys.argv[2]))
print("completed", calls)
"""


def _source_count(store: Path) -> int:
    with open_store(store) as opened:
        solutions = opened.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s a "
                                 "<https://w3id.org/paritykg/vocab#Source> } }")
        return int(next(iter(solutions))["n"].value)


def test_a_kill_at_any_step_of_a_rebuild_leaves_a_complete_store_and_no_leftovers(tmp_path, data_copy):
    """Regression: two renames left a window with no store; killed builds left .store.new-PID."""
    from kg.pipeline import build

    store = tmp_path / "store"
    build(FIXTURE_DATA, store)
    old_count = _source_count(store)
    (data_copy / "sources" / "sceptic-report.yaml").unlink()
    script = tmp_path / "kill_at.py"
    script.write_text(KILL_AT)
    seen_counts = set()
    for step in range(1, 60):
        done = subprocess.run([sys.executable, str(script), str(data_copy), str(store), str(step)],
                              capture_output=True, text=True, cwd=ROOT, timeout=120)
        count = _source_count(store)  # the path names a complete store after every kill
        assert count in (old_count, old_count - 1)
        seen_counts.add(count)
        if done.returncode == 0:
            assert "completed" in done.stdout
            break
        assert done.returncode == -9, done.stderr
        build(FIXTURE_DATA, store)  # the next build cleans what the killed one left
        leftovers = [p.name for p in tmp_path.iterdir()
                     if p.name.startswith(".store.") and p.name != ".store.lock"
                     and not p.name.endswith(".readers")
                     and p.name not in {current_generation(store).name + suffix
                                        for suffix in (".build.json", NAMES_SUFFIX)}]
        assert len(leftovers) == 1, leftovers  # the current generation (beside its build record, names)
    else:
        pytest.fail("the build never completed")
    assert step > 3 and seen_counts == {old_count, old_count - 1}


def test_a_failed_build_keeps_the_old_store_readable(tmp_path, data_copy):
    from kg.pipeline import build

    store = tmp_path / "store"
    build(data_copy, store)
    before = tree_digest(store)
    (data_copy / "sources" / "broken.yaml").write_text("source: [")
    assert kg("build", "--data", data_copy, "--store", store).exit_code == 1
    assert tree_digest(store) == before


def test_concurrent_adds_of_the_same_source_id_accept_exactly_one(tmp_path):
    """Regression: two kg add of one source id a second apart were both accepted."""
    from kg.pipeline import build

    store = tmp_path / "store"
    build(FIXTURE_DATA, store)
    files = []
    for index in range(2):
        (tmp_path / f"copy-{index}").mkdir()
        path = tmp_path / f"copy-{index}" / "hostile.yaml"
        path.write_text(_source(CLAIM.replace("value: 50", f"value: {50 + index}")))
        files.append(path)
    children = [subprocess.Popen([sys.executable, "-m", "kg", "add", str(path), "--store", str(store)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
                for path in files]
    outcomes = [(child.wait(timeout=120), child.stderr.read()) for child in children]
    codes = sorted(code for code, _ in outcomes)
    assert codes == [0, 1], outcomes
    assert any("duplicate source id" in err for _, err in outcomes)
    with open_store(store) as opened:
        found = opened.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s "
                             "<http://purl.org/dc/terms/identifier> 'hostile' } }")
        assert int(next(iter(found))["n"].value) == 1


# --- queries bounded ----------------------------------------------------------------------

def test_three_way_cross_product_ends_on_the_timeout_with_memory_bounded(fixture_store):
    started = time.monotonic()
    done = kg_process("sparql", "--timeout", "3", "--store", fixture_store,
                      "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", cwd=ROOT)
    elapsed = time.monotonic() - started
    assert done.returncode == 3, done.stderr
    assert "time limit of 3 s" in done.stderr and "Traceback" not in done.stderr
    assert elapsed < 30
    import resource

    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest child so far
    assert peak_kib < 2 * 1024 * 1024, f"a child used {peak_kib / 1024:.0f} MiB"


def test_row_cap_ends_with_a_message(fixture_store):
    result = kg("sparql", "SELECT * WHERE { ?s ?p ?o }", "--limit", "10", "--store", fixture_store)
    assert result.exit_code == 3 and "more than 10 rows (--limit" in result.stderr


def test_canned_questions_take_timeout_and_limit(fixture_store):
    result = kg("query", "claims", "--limit", "3", "--store", fixture_store)
    assert result.exit_code == 3 and "more than 3 rows" in result.stderr
    assert kg("query", "parity", "--timeout", "30", "--store", fixture_store).exit_code == 0
