"""Shared fixtures: the small fixture data tree, the real data tree, and stores built from them.

data/ is built once per test run, through the CLI (``python -m kg build``), by a background process
started as soon as the tests are collected, at a lower CPU priority, so it overlaps the tests that do
not need it (they run first). Every test that reads data/'s store shares that one build, read-only,
also across pytest-xdist workers (the build goes under the run's shared temporary root). Tests that
write to a store copy a generation first (``copy_store``).
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

REAL_BUILD_FIXTURES = ("real_build", "real_store")
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


def _start_real_build(config: pytest.Config) -> subprocess.Popen | None:
    """Start ``kg build`` of data/ in the background unless another worker of this run already has."""
    folder = _real_build_dir(config)
    try:
        folder.mkdir()
    except FileExistsError:
        return None
    command = [sys.executable, "-m", "kg", "build", "--data", str(REAL_DATA), "--store", str(folder / "store")]
    script = (f'nice -n {REAL_BUILD_NICENESS} "$@" >"$0/stdout" 2>"$0/stderr"; '
              'echo $? >"$0/exit.new" && mv "$0/exit.new" "$0/exit"')
    # run where the tests run, so the build and they share .paritykg/cache (SHACL outcomes)
    return subprocess.Popen(["sh", "-c", script, str(folder), *command], cwd=Path.cwd(),
                            stdin=subprocess.DEVNULL, start_new_session=True)


def _wait_for_real_build(config: pytest.Config) -> RealBuild:
    folder = _real_build_dir(config)
    deadline = time.monotonic() + REAL_BUILD_TIMEOUT
    while not (folder / "exit").is_file():
        if time.monotonic() > deadline:
            pytest.fail(f"kg build of data/ did not finish in {REAL_BUILD_TIMEOUT} s ({folder})")
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


@pytest.fixture(scope="session")
def real_build(pytestconfig) -> RealBuild:
    """The run's one ``kg build`` of data/ (started when the tests were collected)."""
    process = _start_real_build(pytestconfig)  # only if the collection hook has not (a plugin reordered)
    if process:
        pytestconfig.stash[_REAL_BUILD_PROCESS] = process
    return _wait_for_real_build(pytestconfig)


@pytest.fixture(scope="session")
def real_store(real_build) -> Path:
    """A store built from data/ (shared by the whole run: do not modify it; copy_store it first)."""
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
