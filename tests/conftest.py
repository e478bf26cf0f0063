"""Shared fixtures: the small fixture data tree, the real data tree, and stores built from them.

data/ is built once per test run, through the CLI (``python -m kg build``), by a background process
started as soon as the tests are collected, at a lower CPU priority, so it overlaps the tests that do
not need it (they run first). It builds twice, one after the other: first the curated data alone
(data/ without data/imports/: the hand-transcribed sources whose answers the tests check, and what
``real_store`` holds), then the whole of data/ with the imported datasets (``full_build``: the main
job of the README). Every test that reads a store shares these builds, read-only, also across
pytest-xdist workers (they go under the run's shared temporary root). Tests that write to a store
copy a generation first (``copy_store``).
"""

import hashlib
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from kg.pipeline import build
from kg.store import current_generation

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_DATA = ROOT / "tests" / "fixtures" / "data"
REAL_DATA = ROOT / "data"

REAL_BUILD_FIXTURES = ("real_build", "real_store", "full_build")
IMPORTS = "imports"  # data/imports/: the generated sources of imported datasets (docs/imports.md)
REAL_BUILD_TIMEOUT = 3600  # seconds; a data/ build takes minutes on a busy 2-core machine
REAL_BUILD_NICENESS = 10  # below the tests, which time some answers
_REAL_BUILD_PROCESS = pytest.StashKey[subprocess.Popen]()


def tree_digest(directory: Path) -> dict[str, str]:
    """Every file under a directory with the hash of its bytes."""
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def copy_store(store: Path, target: Path) -> Path:
    """A writable copy of a store's current generation at ``target`` (laid out as kg.store lays it)."""
    generation = current_generation(store)
    target.parent.mkdir(parents=True, exist_ok=True)
    copied = target.parent / f".{target.name}.gen-copy"
    shutil.copytree(generation, copied)
    os.symlink(copied.name, target)
    return target


# --- the one build of data/ --------------------------------------------------------------------

@dataclass(frozen=True)
class RealBuild:
    """``kg build`` of data/ as one run of the CLI: where it wrote, its exit code and its output."""

    store: Path
    exit_code: int
    stdout: str
    stderr: str


def _shared_root(config: pytest.Config) -> Path:
    """The run's temporary root, the same for every xdist worker (each has a folder inside it)."""
    base = config._tmp_path_factory.getbasetemp()  # noqa: SLF001 (pytest's own tmp_path_factory)
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _real_build_dir(config: pytest.Config) -> Path:
    return _shared_root(config) / "real-data-build"


def curated_view(data: Path, view: Path) -> Path:
    """A copy of the data tree ``data`` without its imported datasets (the loader refuses links that
    lead out of a data tree, so the curated files are copied: a few megabytes)."""
    shutil.copytree(data, view, ignore=lambda folder, _: [IMPORTS] if Path(folder) == data else [])
    return view


def _start_real_build(config: pytest.Config) -> subprocess.Popen | None:
    """Start the builds of data/ (curated, then whole) in the background unless another worker of
    this run already has."""
    folder = _real_build_dir(config)
    try:
        folder.mkdir()
    except FileExistsError:
        return None
    steps = []
    for name, data in (("curated", curated_view(REAL_DATA, folder / "curated-data")), ("full", REAL_DATA)):
        out = folder / name
        out.mkdir()
        command = " ".join(f"'{part}'" for part in (sys.executable, "-m", "kg", "build", "--data", data,
                                                     "--store", out / "store"))
        steps.append(f'nice -n {REAL_BUILD_NICENESS} {command} >"{out}/stdout" 2>"{out}/stderr"; '
                     f'echo $? >"{out}/exit.new" && mv "{out}/exit.new" "{out}/exit"')
    # run where the tests run, so the builds and they share .paritykg/cache (SHACL outcomes)
    return subprocess.Popen(["sh", "-c", "; ".join(steps)], cwd=Path.cwd(),
                            stdin=subprocess.DEVNULL, start_new_session=True)


def _wait_for_real_build(config: pytest.Config, name: str) -> RealBuild:
    folder = _real_build_dir(config) / name
    deadline = time.monotonic() + REAL_BUILD_TIMEOUT
    while not (folder / "exit").is_file():
        if time.monotonic() > deadline:
            pytest.fail(f"kg build of data/ ({name}) did not finish in {REAL_BUILD_TIMEOUT} s ({folder})")
        time.sleep(0.2)
    return RealBuild(folder / "store", int((folder / "exit").read_text()),
                     (folder / "stdout").read_text(), (folder / "stderr").read_text())


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]):
    """Run the tests that need data/'s store last, and start building it now if any was collected."""
    needs_real = [bool(set(REAL_BUILD_FIXTURES) & set(getattr(item, "fixturenames", ()))) for item in items]
    if not any(needs_real):
        return
    items[:] = [item for item, late in zip(items, needs_real, strict=True) if not late] + \
               [item for item, late in zip(items, needs_real, strict=True) if late]
    process = _start_real_build(config)
    if process:
        config.stash[_REAL_BUILD_PROCESS] = process



def pytest_sessionfinish(session: pytest.Session):
    """Under xdist, let the build finish (another worker may wait for it); alone, stop it if it runs."""
    process = session.config.stash.get(_REAL_BUILD_PROCESS, None)
    if process is None:
        return
    if os.environ.get("PYTEST_XDIST_WORKER") and not session.shouldstop:
        process.wait()
    elif process.poll() is None:
        os.killpg(process.pid, 15)
        process.wait()


def _started(config: pytest.Config) -> None:
    process = _start_real_build(config)  # only if the collection hook has not (a plugin reordered)
    if process:
        config.stash[_REAL_BUILD_PROCESS] = process


@pytest.fixture(scope="session")
def real_build(pytestconfig) -> RealBuild:
    """The run's ``kg build`` of the curated data (data/ without data/imports/)."""
    _started(pytestconfig)
    return _wait_for_real_build(pytestconfig, "curated")


@pytest.fixture(scope="session")
def full_build(pytestconfig) -> RealBuild:
    """The run's ``kg build`` of the whole of data/, imported datasets included (the README's main job)."""
    _started(pytestconfig)
    return _wait_for_real_build(pytestconfig, "full")


@pytest.fixture(scope="session")
def real_store(real_build) -> Path:
    """A store built from the curated data (shared by the whole run: do not modify it; copy_store it first)."""
    assert real_build.exit_code == 0, f"kg build of data/ failed:\n{real_build.stderr[-3000:]}"
    return real_build.store


# --- the fixture tree --------------------------------------------------------------------------

@pytest.fixture(scope="session")
def fixture_store(tmp_path_factory) -> Path:
    """A store built from tests/fixtures/data (do not modify it)."""
    store = tmp_path_factory.mktemp("fixture") / "store"
    build(FIXTURE_DATA, store)
    return store


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of the fixture data tree."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, target)
    return target


@pytest.fixture
def scratch_store(tmp_path, fixture_store) -> Path:
    """A copy of the fixture tree's store that a test may try to change."""
    return copy_store(fixture_store, tmp_path / "store")
