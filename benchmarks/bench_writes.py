"""`kg add` and the rebuild after editing one source, this checkout against an earlier revision.

Run: python benchmarks/bench_writes.py --baseline REV --data DIR --add FILE --edit FILE
     [--work DIR] [--repeat 5]

The baseline revision is checked out into a temporary git worktree. Each checkout first builds
the data tree into a store of its own (untimed: an incremental rebuild needs a build record
written by the same code). Then, in turn (baseline, current, baseline, current, ...):

- `kg add FILE` on a fresh copy of the checkout's store (the copy is made before the clock starts);
- `kg build` after editing the `title` of the source file ``--edit`` (edited and restored on
  alternate rounds, so every timed build has one changed file).

Per run: wall seconds, CPU seconds (workers included), peak RSS, start-up included. Reported:
medians, the median of the pairwise CPU ratios current/baseline (meaningful when a shared
machine's speed drifts during the run), and whether the two checkouts' stores hold the same quads
after the add and after the last rebuild. The edited file is restored at the end.
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import Sample, run_kg  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CHECKOUTS = ("baseline", "current")
DIGEST = """
import hashlib, sys
from pathlib import Path
from kg.store import open_store
with open_store(Path(sys.argv[1])) as store:
    lines = sorted(str(quad) for quad in store.quads_for_pattern(None, None, None, None))
print(hashlib.sha256("\\n".join(lines).encode()).hexdigest(), len(lines))
"""


def _kg(checkout: Path, arguments: list[str], timeout: float, cache: Path) -> Sample:
    return run_kg(arguments, timeout, cwd=checkout, capture=True,
                  env={"PYTHONPATH": str(checkout), "PARITYKG_CACHE": str(cache)})


def _store_digest(checkout: Path, store: Path) -> str:
    """The store's quads, hashed (and counted) by the checkout's own code."""
    done = subprocess.run([sys.executable, "-c", DIGEST, str(store)], cwd=checkout, capture_output=True,
                          text=True, env={"PYTHONPATH": str(checkout), "PATH": "/usr/bin:/bin"}, check=True)
    return done.stdout.strip()


def _fresh_copy(store: Path, copy: Path) -> None:
    """A plain copy of the store's current generation at ``copy`` (what was there removed)."""
    if copy.is_symlink():
        copy.unlink()
    shutil.rmtree(copy, ignore_errors=True)
    for leftover in copy.parent.glob(f".{copy.name}.*"):
        shutil.rmtree(leftover, ignore_errors=True) if leftover.is_dir() else leftover.unlink()
    shutil.copytree(store.resolve(), copy)


def _line(what: str, name: str, sample: Sample) -> None:
    shown = f"{sample.seconds:7.2f} s wall {sample.cpu:7.2f} s CPU {sample.rss_mb:6.0f} MB exit {sample.code}"
    print(f"{what:<10} {name:<9} {shown}", flush=True)


def _row(what: str, runs: dict[str, list[Sample]], same: bool) -> str:
    done = {name: [s for s in samples if s.code == 0] for name, samples in runs.items()}
    if not done["baseline"] or not done["current"]:
        failed = {name: (samples[-1].stderr.strip().splitlines() or ["timed out"])[-1]
                  for name, samples in runs.items() if not done[name]}
        return f"| {what} | | | | | failed: {failed} |"
    pairs = [(c, b) for c, b in zip(runs["current"], runs["baseline"], strict=True)
             if c.code == 0 and b.code == 0]
    ratio = statistics.median(c.cpu / b.cpu for c, b in pairs)
    wall = {name: statistics.median(s.seconds for s in done[name]) for name in CHECKOUTS}
    cpu = {name: statistics.median(s.cpu for s in done[name]) for name in CHECKOUTS}
    return (f"| {what} | {wall['baseline']:.2f} / {cpu['baseline']:.2f} | {wall['current']:.2f} / "
            f"{cpu['current']:.2f} | {ratio:.2f}x | {len(pairs)} | {'yes' if same else 'no'} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--baseline", required=True, help="git revision to compare with")
    parser.add_argument("--data", type=Path, required=True, help="the data tree both checkouts build")
    parser.add_argument("--add", type=Path, required=True, help="a new source file to add")
    parser.add_argument("--edit", type=Path, required=True, help="a source file of --data to edit")
    parser.add_argument("--work", type=Path, default=Path("/tmp/paritykg-bench-writes"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=3600.0)
    args = parser.parse_args()
    data, edit = args.data.resolve(), args.edit.resolve()
    original = edit.read_text(encoding="utf-8")
    edited = original.replace('title: "', 'title: "Edited: ', 1)
    if edited == original:
        parser.error(f"--edit {edit}: no 'title: \"' to edit")
    args.work.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="paritykg-bench-writes-") as tmp:
        base = Path(tmp) / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base), args.baseline],
                       check=True, capture_output=True)
        checkouts = {"baseline": base, "current": ROOT}
        stores = {name: args.work / f"store-{name}" for name in CHECKOUTS}
        caches = {name: args.work / f"cache-{name}" for name in CHECKOUTS}
        try:
            for name in CHECKOUTS:
                built = _kg(checkouts[name], ["build", "--full", "--data", str(data), "--store",
                                              str(stores[name])], args.timeout, caches[name])
                _line("build", name, built)
                if built.code != 0:
                    sys.exit(f"{name}: the build failed: {built.stderr.strip()[-300:]}")
            adds: dict[str, list[Sample]] = {name: [] for name in CHECKOUTS}
            added: dict[str, str] = {}
            for _ in range(args.repeat):
                for name in CHECKOUTS:
                    copy = args.work / f"added-{name}"
                    _fresh_copy(stores[name], copy)
                    sample = _kg(checkouts[name], ["add", str(args.add.resolve()), "--store", str(copy)],
                                 args.timeout, caches[name])
                    adds[name].append(sample)
                    _line("add", name, sample)
                    added[name] = _store_digest(checkouts[name], copy)
            rebuilds: dict[str, list[Sample]] = {name: [] for name in CHECKOUTS}
            for round_ in range(args.repeat):
                edit.write_text(edited if round_ % 2 == 0 else original, encoding="utf-8")
                for name in CHECKOUTS:
                    rebuild = ["build", "--data", str(data), "--store", str(stores[name])]
                    sample = _kg(checkouts[name], rebuild, args.timeout, caches[name])
                    rebuilds[name].append(sample)
                    _line("rebuild", name, sample)
            rebuilt = {name: _store_digest(checkouts[name], stores[name]) for name in CHECKOUTS}
        finally:
            edit.write_text(original, encoding="utf-8")
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)],
                           capture_output=True)
    print()
    print(f"baseline {args.baseline}, data {data}, {args.repeat} rounds")
    print("| operation | baseline wall / CPU s | current wall / CPU s | current / baseline CPU | pairs "
          "| same store |")
    print("|---|---:|---:|---:|---:|---|")
    print(_row(f"kg add {args.add.name}", adds, added["baseline"] == added["current"]))
    print(_row(f"rebuild after editing {edit.name}", rebuilds, rebuilt["baseline"] == rebuilt["current"]))


if __name__ == "__main__":
    main()
