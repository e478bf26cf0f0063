"""Importing dated API prices from the ``genai-prices`` package into a price source file.

Only models that resolve exactly (by normalised id, name or alias) to a model or family in
the reference data are imported; nothing is guessed. Prices that start on a date become
claims ``as_of`` that date; tiered prices keep their base tier (noted in the setting).
"""

import datetime as dt
import re
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path
from typing import Any

import yaml

from kg.lint import canonical_text
from kg.loading import load_tree
from kg.records import PriceClaim, Setting, Source, SourceFile
from kg.resolve import normalise

PACKAGE = "genai-prices"
MEASURES = (("input_mtok", "input"), ("output_mtok", "output"))


class PricesUnavailable(RuntimeError):
    """The genai-prices package is not installed."""


def _reference_names(data_dir: Path) -> dict[str, str]:
    """Normalised names of every model and family -> its id (ambiguous names dropped)."""
    tree = load_tree(data_dir)
    names: dict[str, set[str]] = {}
    for loaded in tree.references:
        for entity in [*loaded.record.models, *loaded.record.families]:
            for name in (entity.id, entity.name, *entity.aliases):
                names.setdefault(normalise(name), set()).add(entity.id)
    return {name: ids.pop() for name, ids in names.items() if len(ids) == 1}


SIZE_TOKEN = re.compile(r"^\d+(\.\d+)?[bkm]$")


def _tokens(text: str) -> set[str]:
    return {token for token in re.split(r"[^a-z0-9.]+", text.lower()) if token}


def _name_match_is_safe(model_id: str, name: str) -> bool:
    """False when the price list's id names a size the display name lacks.

    The package's display names are sometimes too generic ('gpt 4' for gpt-4-32k, 'gemini 1.5
    flash' for gemini-flash-1.5-8b); a size or context token in the id (8b, 32k) that the name
    does not carry means the name would resolve the price to the wrong model.
    """
    sizes = {token for token in _tokens(model_id.rsplit("/", 1)[-1]) if SIZE_TOKEN.match(token)}
    return sizes <= _tokens(name)


def _base_price(value: Any) -> tuple[Decimal | None, str | None]:
    """A flat price, or the base of a tiered one (with a note saying so)."""
    if value is None:
        return None, None
    if isinstance(value, Decimal):
        return value, None
    base = getattr(value, "base", None)
    return (base, "base tier of a tiered price") if isinstance(base, Decimal) else (None, None)


def _dated_prices(prices: Any) -> list[tuple[Any, str | None, str | None]]:
    """(ModelPrice, start date, condition note) for each price period of a model."""
    if not isinstance(prices, list):
        return [(prices, None, None)]
    periods = []
    for conditional in prices:
        constraint = conditional.constraint
        start = getattr(constraint, "start_date", None)
        if constraint is not None and start is None:
            window = f"{constraint.start_time}-{constraint.end_time} UTC"
            periods.append((conditional.prices, None, f"only between {window}"))
        else:
            periods.append((conditional.prices, start.isoformat() if start else None, None))
    return periods


def price_claims(data_dir: Path) -> list[PriceClaim]:
    """Price claims for every provider's price of a model the graph knows."""
    try:
        from genai_prices.data import providers
    except ImportError as exc:
        raise PricesUnavailable(
            "the price importer needs the genai-prices package: pip install -e '.[prices]'") from exc
    names = _reference_names(data_dir)
    claims: list[PriceClaim] = []
    seen: set[str] = set()
    for provider in providers:
        for model in provider.models:
            subject = names.get(normalise(model.id))
            if subject is None and model.name and _name_match_is_safe(model.id, model.name):
                subject = names.get(normalise(model.name))
            if subject is None:
                continue
            for index, (price, start, condition) in enumerate(_dated_prices(model.prices)):
                for attribute, measure in MEASURES:
                    value, tier_note = _base_price(getattr(price, attribute, None))
                    if value is None:
                        continue
                    claim_id = f"{provider.id}-{model.id}-{measure}" + (f"-{index}" if index else "")
                    claim_id = "".join(c if c.isalnum() or c in "._-" else "-" for c in claim_id.lower())
                    if claim_id in seen:
                        continue
                    seen.add(claim_id)
                    claims.append(PriceClaim(
                        id=claim_id, kind="price", subject=subject, mention=model.id,
                        provider=provider.name, measure=measure, value=float(value),
                        unit="usd-per-mtok", as_of=start,
                        setting=Setting(split=condition, note=tier_note),
                        locator=f"genai_prices.data: provider '{provider.id}', model '{model.id}', "
                                f"{attribute}" + (f", price period {index + 1}" if index else ""),
                    ))
    return claims


def _first_import_day(out: Path, source_id: str) -> str | None:
    """The date an earlier import of this same package version recorded, if its file is there."""
    if not out.exists():
        return None
    earlier = yaml.safe_load(out.read_text(encoding="utf-8")) or {}
    source = earlier.get("source") or {}
    return str(source["date"]) if source.get("id") == source_id and source.get("date") else None


def import_prices(data_dir: Path, today: dt.date | None = None) -> tuple[Path, int]:
    """Write ``data/prices/genai-prices-VERSION.yaml``; returns its path and claim count.

    Re-importing a version already imported keeps that import's date, so re-running the
    importer on another day changes nothing unless the package (or the reference data) did.
    """
    claims = price_claims(data_dir)
    package_version = version(PACKAGE)
    source_id = f"genai-prices-{package_version}"
    out = data_dir / "prices" / f"{source_id}.yaml"
    day = _first_import_day(out, source_id) or (today or dt.date.today()).isoformat()
    source = Source(
        id=source_id,
        title=f"genai-prices {package_version}: LLM inference API price data",
        publisher="Pydantic",
        url=f"https://pypi.org/project/genai-prices/{package_version}/",
        date=day,
        kind="price-list",
        accessed=day,
        note=(f"Generated by `kg import-prices` from the data bundled in the genai-prices "
              f"{package_version} package; the installed package states no publication date, so "
              f"the source date is the date this version was first imported. Prices that start on a "
              f"date carry it as as_of."),
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(canonical_text(SourceFile(source=source, claims=claims)), encoding="utf-8")
    return out, len(claims)
