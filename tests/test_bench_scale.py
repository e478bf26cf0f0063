"""The scale benchmark at a tiny size: the generated tree validates and builds, the runner runs."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import bench_scale  # noqa: E402
import scale_generator  # noqa: E402

TINY = 5000


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    return bench_scale.ensure_tree(tmp_path_factory.mktemp("scale"), TINY, 3, log=lambda *_: None)


def kg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, timeout=300)


def test_generated_tree_is_valid_and_has_every_claim_kind(tree):
    manifest = json.loads((tree / "manifest.json").read_text())
    assert set(manifest["counts"]["claims_by_kind"]) == {"score", "price", "fact", "lineage", "comparison",
                                                          "stance"}
    assert manifest["counts"]["max_depth"] == 8
    assert manifest["narrow"]["leaf_depth"] == 8
    done = kg("validate", "--data", str(tree / "data"))
    assert done.returncode == 0, done.stderr


def test_generator_is_seeded_and_writes_plain_yaml(tree, tmp_path):
    again = tmp_path / "again"
    scale_generator.generate(again, TINY, 3)
    first = json.loads((tree / "manifest.json").read_text())["edit_file"]
    for name in ("data/reference/models.yaml", first):
        assert (again / name).read_bytes() == (tree / name).read_bytes()
    card = yaml.safe_load((tree / first).read_text())
    assert card["source"]["id"] == Path(first).stem
    assert all("id" in claim and "locator" in claim for claim in card["claims"])


def test_writer_round_trips_through_yaml():
    record = {"id": "x", "value": 72.2, "flag": False, "none": None, "setting": {"shots": 5, "split": "v2"},
              "labs": ["a-b"], "title": 'Quote " and: colon'}
    text = scale_generator.block(record, "- ", "  ")
    assert yaml.safe_load(text) == [{k: v for k, v in record.items() if v is not None}]


def test_runner_end_to_end(tree, tmp_path):
    lines: list[str] = []
    run = bench_scale.run_size(tree, repeat=1, timeout=120, log=lines.append)
    assert run.triples and run.triples > 1000
    failed = [(r.op, r.shown()) for r in run.results if r.seconds is None]
    assert not failed
    assert {bench_scale.BUILD_OP, bench_scale.SCAN_OP, bench_scale.STARTUP_OP, "trend --benchmark B",
            "export -F nq", bench_scale.REBUILD_OP, bench_scale.FULL_REBUILD_OP} <= {r.op for r in run.results}
    assert all(r.rss_mb and r.rss_mb > 10 for r in run.results)
    table = bench_scale.report([run], 1)
    assert f"| {bench_scale.BUILD_OP} | 5k |" in table
    readme = tmp_path / "README.md"
    readme.write_text(f"# Benchmarks\n\n{bench_scale.SECTION}\n\nold\n\n## Later section\n\nkept\n")
    bench_scale.write_readme(table, "python benchmarks/bench_scale.py --sizes 5k", readme)
    text = readme.read_text()
    assert "old" not in text and "## Later section\n\nkept" in text and f"| {bench_scale.BUILD_OP} | 5k |" in text


def test_timeout_is_reported_not_raised():
    result = bench_scale.timed("slow", ["sparql", "ASK {}", "--store", "/nonexistent"], 1, 0.01,
                               log=lambda *_: None)
    assert result.timed_out and result.shown() == "> 0 s"


def test_growth_exponent():
    assert bench_scale.fit_exponent([(1e5, 1.0), (1e6, 100.0)]) == pytest.approx(2.0)
    assert bench_scale.fit_exponent([(1e5, 1.0)]) is None
    assert bench_scale.parse_size("1m") == 1_000_000 and bench_scale.size_label(100_000) == "100k"


def test_writes_benchmark_compares_two_checkouts(tree, tmp_path):
    manifest = json.loads((tree / "manifest.json").read_text())
    edit = tree / manifest["edit_file"]
    before = edit.read_bytes()
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "bench_writes.py"), "--baseline", "HEAD", "--data", str(tree / "data"),
         "--add", str(tree / manifest["add_file"]), "--edit", str(edit), "--work", str(tmp_path / "work"),
         "--repeat", "2"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if line.startswith(("| kg add", "| rebuild"))]
    assert len(rows) == 2, done.stdout
    assert all(row.endswith("| 2 | yes |") for row in rows), rows  # both pairs ran; same stores
    assert edit.read_bytes() == before
