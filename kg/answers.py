"""The three questions (and their helpers) as Python functions over the canned queries.

Each function runs its ``queries/NAME.rq`` with bound parameters and shapes the rows for
people and programs: nested JSON objects, groups, roll-ups, trimmed graphs.
"""

from collections import Counter, defaultdict, deque
from typing import Any

from kg.canned import ParameterError, run_canned
from kg.comparability import VERDICT_ORDER, settings_agree
from kg.lag_sweep import lag_rows
from kg.queries import canned_query
from kg.session import StoreOrSession
from kg.trend_sweep import change_days


def _key(text: str) -> str:
    """A value used as a JSON key, in snake_case ("closed leads" -> "closed_leads")."""
    return "_".join(text.replace("-", " ").split()).lower()


def _slug(iri: str | None) -> str | None:
    return iri.rsplit("/", 1)[-1] if iri else None


def _side(row: dict[str, Any], side: str) -> dict[str, Any] | None:
    if row.get(f"{side}Model") is None:
        return None
    return {
        "model": row[f"{side}ModelLabel"],
        "id": _slug(row[f"{side}Model"]),
        "value": row[f"{side}Value"],
        "approximate": row[f"{side}Approximate"],
        "family_level": row[f"{side}FamilyLevel"],
        "source": row[f"{side}SourceTitle"],
        "source_date": row[f"{side}Date"],
        "locator": row[f"{side}Locator"],
        "setting": row.get(f"{side}Setting") or None,
        "claim": row[f"{side}Claim"].rsplit("/claim/", 1)[-1],
    }


def policy(name: str, params: dict[str, str]) -> dict[str, str]:
    """Every parameter of a canned question with the value in effect (given, else its default)."""
    return {param.name: params.get(param.name, param.default) for param in canned_query(name).params}


def parity(store_dir: StoreOrSession, **params: str) -> dict[str, Any]:
    """Best open vs best closed per benchmark, rolled up per category."""
    rows, _ = run_canned(store_dir, "parity", params)
    benchmarks = _parity_items(rows)
    categories: dict[str, Counter] = defaultdict(Counter)
    for item in benchmarks:
        categories[item["category"]][item["verdict"]] += 1
    rollup = [{"category": name, **{_key(verdict): n for verdict, n in sorted(counts.items())}}
              for name, counts in sorted(categories.items())]
    return {"parameters": params, "policy": policy("parity", params), "benchmarks": benchmarks,
            "categories": rollup}


def _parity_items(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Parity rows shaped as one item per benchmark (and split)."""
    return [
        {
            "benchmark": row["benchmarkLabel"],
            "benchmark_id": _slug(row["benchmark"]),
            "split": row.get("split") or None,
            "category": row["categoryLabel"],
            "unit": row["unit"],
            "best_open": _side(row, "open"),
            "best_closed": _side(row, "closed"),
            "gap": _number(row["gap"]),
            "ratio": _number(row["ratio"]),
            "verdict": row["verdict"],
        }
        for row in rows
    ]


def _number(value: Any) -> float | int | None:
    """A numeric cell rounded for people; the empty string a portable query writes for "none" is None."""
    return None if value in (None, "") else round(value, 4)


def _best_models(item: dict[str, Any]) -> tuple[tuple[Any, Any] | None, ...]:
    """(model, value) of each side's best score: what a reader of the trend sees change."""
    return tuple((best["id"], best["value"]) if (best := item[side]) else None
                 for side in ("best_open", "best_closed"))


def parity_trend(store_dir: StoreOrSession, **params: str) -> dict[str, Any]:
    """The parity answer for one benchmark as of every day its evidence changed.

    A point is kept when the best open or the best closed model or value of a split differs from
    the previous point of that split; each point is the parity item as of that day. The days are
    found in one sweep over the admitted claims (kg.trend_sweep), then parity answers them in one run.
    """
    if not params.get("benchmark"):
        raise ParameterError("trend needs a benchmark: kg query trend --benchmark NAME")
    rows, _ = run_canned(store_dir, "trend", params)
    days = change_days(rows)
    by_day: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if days:  # one parity run for every change day at once
        parity_rows, _ = run_canned(store_dir, "parity", params, days=days)
        for row in parity_rows:
            by_day[str(row["asOf"])].append(row)
    points: list[dict[str, Any]] = []
    last: dict[str | None, tuple[tuple[Any, Any] | None, ...]] = {}
    for day in days:
        for item in _parity_items(by_day[day]):
            best = _best_models(item)
            if best != (None, None) and last.get(item["split"]) != best:
                last[item["split"]] = best
                points.append({"date": day, **item})
    return {"parameters": params, "policy": policy("trend", params), "points": points}


def trend_table(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Trend points flattened for tables and CSV: one row per day and split."""
    rows = parity_table({"benchmarks": result["points"]})
    return [{"date": point["date"], **row} for point, row in zip(result["points"], rows, strict=True)]


def benchmark_label(item: dict[str, Any]) -> str:
    """A parity row's benchmark, with its split in brackets when the row is one split."""
    return f"{item['benchmark']} [{item['split']}]" if item.get("split") else item["benchmark"]


def policy_line(result: dict[str, Any]) -> str:
    """The parity policy in one line, for the caption of a table."""
    return "policy: " + "; ".join(f"{name} = {value}" for name, value in result["policy"].items())


def parity_table(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Parity benchmarks flattened for tables and CSV."""
    flat = []
    for item in result["benchmarks"]:
        row = {"category": item["category"], "benchmark": benchmark_label(item)}
        row.update({k: item[k] for k in ("verdict", "gap", "ratio")})
        for side in ("open", "closed"):
            best = item[f"best_{side}"] or {}
            marks = ("~" if best.get("approximate") else "")
            marks += " (family)" if best.get("family_level") else ""
            row[f"best {side}"] = f"{best['model']}{marks}" if best else None
            row[f"{side} value"] = best.get("value")
            row[f"{side} source"] = best.get("source")
        flat.append(row)
    return flat


def lineage(store_dir: StoreOrSession, model: str, **params: str) -> dict[str, Any]:
    """Lineage edges around a model, trimmed to a depth and a relation."""
    raw = {"model": model, **params}
    rows, extra = run_canned(store_dir, "lineage", raw)
    depth = int(extra["depth"].value) if "depth" in extra else None
    edges = [
        {
            "child": row["childLabel"], "child_id": _slug(row["child"]),
            "parent": row["parentLabel"], "parent_id": _slug(row["parent"]),
            "relation": row["relation"], "status": row["status"],
            "child_lab": row["childLabLabel"], "parent_lab": row["parentLabLabel"],
            "cross_lab": row["crossLab"], "source": row["sourceTitle"],
            "source_date": row["sourceDate"], "locator": row["locator"],
            "child_mention": row["childMention"], "parent_mention": row["parentMention"],
        }
        for row in rows
    ]
    start = _slug(rows[0]["model"]) if rows else None
    return {"model": model, "model_id": start, "edges": _within_depth(edges, start, depth,
                                                                      params.get("direction", "both"))}


def _within_depth(edges: list[dict[str, Any]], start: str | None, depth: int | None,
                  direction: str) -> list[dict[str, Any]]:
    """Edges reachable from ``start`` in at most ``depth`` steps over the kept edges (breadth
    first, each edge looked up by its endpoints: linear in the edges)."""
    if start is None:
        return []
    steps_from: dict[str, list[tuple[int, str]]] = {}
    for index, edge in enumerate(edges):
        if direction in ("up", "both"):
            steps_from.setdefault(edge["child_id"], []).append((index, edge["parent_id"]))
        if direction in ("down", "both"):
            steps_from.setdefault(edge["parent_id"], []).append((index, edge["child_id"]))
    reached = {start: 0}
    frontier = deque([start])
    seen: set[int] = set()
    kept: list[dict[str, Any]] = []
    while frontier:
        node = frontier.popleft()
        if depth is not None and reached[node] >= depth:
            continue
        for index, nxt in steps_from.get(node, ()):
            if index not in seen:
                seen.add(index)
                kept.append(edges[index])
            if nxt not in reached:
                reached[nxt] = reached[node] + 1
                frontier.append(nxt)
    return kept


def _listed(text: str | None) -> list[str]:
    return [part for part in (text or "").split(", ") if part]


def contradictions(store_dir: StoreOrSession, **params: str) -> dict[str, Any]:
    """Conflicting comparable claims, grouped by subject and property."""
    rows, _ = run_canned(store_dir, "contradictions", params)
    groups: dict[tuple, dict[str, Any]] = {}
    for row in rows:
        key = (row["kind"], row["subjectLabel"], row["propertyLabel"])
        group = groups.setdefault(key, {
            "kind": row["kind"], "subject": row["subjectLabel"], "property": row["propertyLabel"],
            "verdict": row["verdict"], "claims": {}, "pairs": [],
        })
        if VERDICT_ORDER.index(row["verdict"]) < VERDICT_ORDER.index(group["verdict"]):
            group["verdict"] = row["verdict"]  # the group shows its most serious pair
        for side in ("a", "b"):
            claim_id = row[side].rsplit("/claim/", 1)[-1]
            other_subject = row["bSubjectLabel"] if side == "b" else None
            claim = {
                "claim": claim_id,
                "subject": other_subject or row["subjectLabel"],
                "mention": row[f"{side}Mention"],
                "setting": row[f"{side}Setting"] or None,
                "approximate": row[f"{side}Approximate"],
                "source": row[f"{side}SourceTitle"],
                "source_date": row[f"{side}Date"],
                "locator": row[f"{side}Locator"],
            }
            if row[f"{side}Min"] is not None or row[f"{side}Max"] is not None:
                claim["min"], claim["max"] = row[f"{side}Min"], row[f"{side}Max"]
            else:
                claim["value"] = row[f"{side}Value"]
            group["claims"][claim_id] = claim
        group["pairs"].append({
            "a": row["a"].rsplit("/claim/", 1)[-1], "b": row["b"].rsplit("/claim/", 1)[-1],
            "verdict": row["verdict"], "distance": row["distance"], "difference": row["difference"],
            "last_digit_units": row["lastDigitUnits"],
            "differing_dimensions": _listed(row["differing"]),
            "unstated_dimensions": _listed(row["unstated"]),
            "benchmarks": sorted({row["aBenchmarkLabel"], row["bBenchmarkLabel"]} - {None}),
        })
    shaped = [{**g, "claims": list(g["claims"].values())} for g in groups.values()]
    return {"parameters": params, "groups": shaped}


def contradictions_table(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One table row per claim in a contradiction group."""
    flat = []
    for group in result["groups"]:
        for claim in group["claims"]:
            value = claim.get("value")
            if value is None and ("min" in claim or "max" in claim):
                value = f"{claim.get('min')}-{claim.get('max')}"
            flat.append({
                "verdict": group["verdict"], "subject": group["subject"], "property": group["property"],
                "value": f"~{value}" if claim["approximate"] else value, "setting": claim["setting"],
                "source": claim["source"], "date": claim["source_date"], "locator": claim["locator"],
            })
    return flat


def _verdict_of(pairs: list[dict[str, Any]]) -> str:
    verdicts = {p["verdict"] for p in pairs}
    if not pairs or verdicts == {"cannot be checked"}:
        return "cannot be checked"
    if verdicts == {"holds"}:
        return "holds"
    if verdicts == {"does not hold"}:
        return "does not hold"
    return "mixed"


def audit(store_dir: StoreOrSession, **params: str) -> dict[str, Any]:
    """Every comparison claim recomputed: a verdict within its own source and across sources."""
    rows, _ = run_canned(store_dir, "audit", params)
    comparisons: dict[str, dict[str, Any]] = {}
    for row in rows:
        item = comparisons.setdefault(row["comparison"], {
            "comparison": row["comparison"].rsplit("/claim/", 1)[-1],
            "source": row["sourceTitle"], "locator": row["locator"],
            "left": row["leftLabel"], "relation": row["relation"], "right": row["rightLabel"],
            "benchmark": row["benchmarkLabel"], "magnitude": row["magnitude"],
            "magnitude_unit": row["magnitudeUnit"], "same_source": [], "other_sources": [],
            "set_aside_for_setting": 0,
        })
        if row["verdict"] == "cannot be checked":
            continue
        if row["scope"] != "same source" and not settings_agree(row["leftSetting"], row["rightSetting"]):
            item["set_aside_for_setting"] += 1  # the comparability rule: not known to be the same setting
            continue
        pair = {
            "left_value": row["leftValue"], "right_value": row["rightValue"],
            "difference": row["difference"], "ratio": row["ratio"], "verdict": row["verdict"],
            "left_source": row["leftSourceTitle"], "left_locator": row["leftLocator"],
            "right_source": row["rightSourceTitle"], "right_locator": row["rightLocator"],
        }
        item["same_source" if row["scope"] == "same source" else "other_sources"].append(pair)
    shaped = []
    for item in comparisons.values():
        item["verdict_same_source"] = _verdict_of(item["same_source"])
        item["verdict_all_sources"] = _verdict_of(item["same_source"] + item["other_sources"])
        shaped.append(item)
    return {"parameters": params, "comparisons": shaped}


def audit_table(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One table row per audited comparison, with the numbers of its own source."""
    flat = []
    for item in result["comparisons"]:
        own = item["same_source"][0] if item["same_source"] else {}
        size = f"{item['magnitude']} {item['magnitude_unit']}" if item["magnitude"] is not None else None
        flat.append({
            "comparison": f"{item['left']} {item['relation']} {item['right']}",
            "benchmark": item["benchmark"], "size": size,
            "own numbers": f"{own['left_value']} vs {own['right_value']}" if own else None,
            "in its source": item["verdict_same_source"], "across sources": item["verdict_all_sources"],
            "source": item["source"], "locator": item["locator"],
        })
    return flat


def lag(store_dir: StoreOrSession, **params: str) -> list[dict[str, Any]]:
    """Per benchmark and closed model, the first open model to match its best and the months between
    their releases: each model's best from queries/lag.rq, paired in one sweep (kg.lag_sweep)."""
    rows, _ = run_canned(store_dir, "lag", params)
    return lag_rows(rows)


def plain(store_dir: StoreOrSession, name: str, **params: str) -> list[dict[str, Any]]:
    """Any other canned query: its rows as they come."""
    rows, _ = run_canned(store_dir, name, params)
    return rows
