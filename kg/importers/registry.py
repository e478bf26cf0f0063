"""The importers `kg import` knows, by dataset name (a plain dict: one entry per importer module).

Each importer is ``run(checkout, tree, out_dir, rev="HEAD") -> ImportReport``: it reads commit
``rev`` of a git directory or checkout of its dataset, resolves names against ``tree`` and writes
under ``out_dir`` (DATA/imports/DATASET/). See docs/imports.md.
"""

from pathlib import Path
from typing import Protocol

from kg.importers import arena, epoch, livebench, modelsdev, openllm, swebench
from kg.importers.core import ImportReport
from kg.loading import DataTree


class Importer(Protocol):
    """The one signature every importer module's ``run`` has."""

    def __call__(self, checkout: Path, tree: DataTree, out_dir: Path, rev: str = "HEAD") -> ImportReport:
        """Import commit ``rev`` of the dataset at ``checkout`` into ``out_dir``."""


IMPORTERS: dict[str, Importer] = {
    "epoch": epoch.run,
    "openllm": openllm.run,
    "livebench": livebench.run,
    "arena": arena.run,
    "swebench": swebench.run,
    "modelsdev": modelsdev.run,
    "openllm-official": openllm.run_official,
}
"""Importers of the field's public datasets into generated source files under data/imports/."""
