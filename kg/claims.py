"""Listing claims with their sources, filtered by model, benchmark or source."""

from typing import Any

import pyoxigraph as ox

from kg.binding import bind
from kg.queries import canned_query
from kg.session import StoreOrSession, session_for

CLAIM_COLUMNS = (
    "kind", "subject", "mention", "property", "value", "min", "max", "unit", "approximate",
    "setting", "run_by", "source", "source_date", "locator",
)


def _shape(row: dict[str, Any]) -> dict[str, Any]:
    """A claims.rq row in the public shape: labels, not IRIs; range or value."""
    shaped = {
        "claim": row["claim"].rsplit("/claim/", 1)[-1],
        "kind": row["kind"],
        "subject": row["subjectLabel"],
        "mention": row["mention"],
        "property": row["property"],
        "unit": row["unit"],
        "approximate": bool(row["approximate"]),
        "setting": row["setting"] or None,
        "run_by": row["runBy"],
        "source": row["sourceTitle"],
        "source_id": row["source"].rsplit("/", 1)[-1],
        "source_date": row["sourceDate"],
        "locator": row["locator"],
    }
    if row["min"] is not None or row["max"] is not None:
        shaped["min"], shaped["max"] = row["min"], row["max"]
    else:
        shaped["value"] = row["value"]
    return shaped


def list_claims(store_dir: StoreOrSession, model: str | None = None, benchmark: str | None = None,
                source: str | None = None) -> list[dict[str, Any]]:
    """Claims in the store, optionally about one entity, on one benchmark or from one source.

    Names resolve through ids, labels and aliases (case and punctuation ignored); a source
    may be named by its id or its title. Raises ``ResolveError`` for unknown names.
    """
    with session_for(store_dir) as session:
        names = session.names()
        bindings: dict[str, object] = {}
        if model:
            bindings["subject"] = ox.NamedNode(names.resolve(
                model, ("model", "family", "cohort", "lab", "benchmark", "licence", "proposition")))
        if benchmark:
            bindings["benchmarkParam"] = ox.NamedNode(names.resolve(benchmark, ("benchmark",)))
        if source:
            bindings["source"] = ox.NamedNode(names.resolve(source, ("source",)))
        rows = session.select(bind(canned_query("claims").text, bindings), "the claims listing")
    return [_shape(r) for r in rows]
