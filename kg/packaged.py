"""Where the package's own resources live: the canned queries, the ontology and the JSON Schemas.

They ship inside the package (``kg/resources/``), read through ``importlib.resources``, so an
installed wheel works from any directory; the repository's top-level ``queries/``,
``ontology/`` and ``schema/`` are links to them, for people.
"""

from importlib.resources import files
from pathlib import Path

RESOURCES = Path(str(files("kg") / "resources"))
QUERIES_DIR = RESOURCES / "queries"
ONTOLOGY_DIR = RESOURCES / "ontology"
SCHEMA_DIR = RESOURCES / "schema"
