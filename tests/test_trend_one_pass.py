"""trend finds its change days in one sweep and answers them in one parity run: the same points as one
parity answer per candidate day (every claim date and openness-period bound in trend.rq's rows)."""

import pytest

from kg import answers
from kg.binding import bind
from kg.canned import ParameterError, as_of_terms
from kg.queries import canned_query
from kg.session import Session


def _per_day(session: Session, **params: str) -> list[dict]:
    rows, _ = answers.run_canned(session, "trend", params)
    points, last = [], {}
    candidates = {str(row[column]) for row in rows for column in ("date", "from", "until") if row.get(column)}
    for day in sorted(candidates):
        for item in answers.parity(session, asOf=day, **params)["benchmarks"]:
            best = answers._best_models(item)
            if best != (None, None) and last.get(item["split"]) != best:
                last[item["split"]] = best
                points.append({"date": day, **item})
    return points


@pytest.mark.parametrize("params", [{}, {"openness": "osi"}, {"tools": "without", "attempts": "single"},
                                    {"splits": "pooled"}])
def test_one_pass_trend_equals_parity_day_by_day(fixture_store, params):
    with Session(fixture_store) as session:
        for benchmark in ("bench-text", "bench-code", "bench-vision", "bench-errors"):
            expected = _per_day(session, benchmark=benchmark, **params)
            assert answers.parity_trend(session, benchmark=benchmark, **params)["points"] == expected


def test_days_are_bound_only_as_checked_dates():
    text = canned_query("parity").text
    assert text.count("# bind ?asOf") == 1
    bound = bind(text, {"asOf": as_of_terms(["2025-01-31", "2025-02-28"])})
    assert 'VALUES (?asOf) { ("2025-01-31"^^<http://www.w3.org/2001/XMLSchema#date>) ' in bound
    with pytest.raises(ParameterError):
        as_of_terms(['2025-01-01"^^<x> } INSERT'])
