"""The importers `kg import` knows, by dataset name."""

from collections.abc import Callable
from pathlib import Path

from kg.importers import epoch
from kg.importers.core import ImportReport
from kg.loading import DataTree

IMPORTERS: dict[str, Callable[[Path, DataTree, Path], ImportReport]] = {"epoch": epoch.run}
