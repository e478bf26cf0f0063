"""Test helper: small git repositories built from fixture files, one dated commit per version."""

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path


def commit(repo: Path, date: str, message: str = "version") -> None:
    """Commit everything in ``repo`` with author and committer date ``date`` (YYYY-MM-DD)."""
    env = {**os.environ, "GIT_AUTHOR_DATE": f"{date}T12:00:00Z", "GIT_COMMITTER_DATE": f"{date}T12:00:00Z"}
    for args in (["add", "-A"], ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", message]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env=env)


def init(repo: Path) -> Path:
    """An empty git repository at ``repo`` (created if missing)."""
    repo.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return repo


def fixture_repo(tmp_path: Path, fixture: Path, date: str, edit: Callable[[Path], None] | None = None) -> Path:
    """A git repository whose first commit (dated ``date``) holds a copy of the fixture folder."""
    repo = tmp_path / "repo"
    shutil.copytree(fixture, repo, symlinks=True)
    if edit:
        edit(repo)
    init(repo)
    commit(repo, date)
    return repo


def data_tree(tmp_path: Path) -> Path:
    """A data tree with the project's reference files and nothing imported yet."""
    data = tmp_path / "data"
    shutil.copytree("data/reference", data / "reference")
    return data
