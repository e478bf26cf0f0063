"""The package works installed from a wheel (not only ``pip install -e``), from another directory."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_DATA = ROOT / "tests" / "fixtures" / "data"  # data/ is built through the CLI by tests/conftest.py

pytestmark = pytest.mark.skipif(os.environ.get("PARITYKG_SKIP_WHEEL") == "1",
                                reason="PARITYKG_SKIP_WHEEL=1")


def _run(*args: object, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-2000:])
    return done


def test_wheel_installs_into_a_fresh_venv_and_answers_from_another_directory(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".venv", ".git", ".paritykg", "*.egg-info",
                                                                 "__pycache__", "build", "dist"),
                    symlinks=True)
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp_path / "dist", source, cwd=tmp_path)
    wheel = next((tmp_path / "dist").glob("paritykg-*.whl"))
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    _run(venv / "bin" / "pip", "install", "-q", wheel, cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    kg = venv / "bin" / "kg"
    built = _run(kg, "build", "--data", FIXTURE_DATA, "--store", elsewhere / "store", cwd=elsewhere)
    assert "triples" in built.stdout
    parity = _run(kg, "query", "parity", "--store", elsewhere / "store", "-F", "json", cwd=elsewhere)
    assert '"rows"' in parity.stdout and '"categories"' in parity.stdout
    listed = _run(kg, "query", "--list", cwd=elsewhere)
    assert "contradictions" in listed.stdout
