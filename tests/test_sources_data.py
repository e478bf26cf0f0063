"""The data issue's checks: per-source claim counts, spot values, and the price importer."""

import datetime as dt
import shutil

import pytest
import yaml

from kg.claims import list_claims
from tests.conftest import REAL_DATA

SEEDS = {
    "seed-000-vision-parity": "Open-Source Vision Models Beat Closed-Source on Benchmarks",
    "seed-001-quietly-beating-gpt5": "Why Open-Source AI Is Quietly Beating GPT-5",
    "seed-002-meta-open-source-closing-gap": "Meta AI Open Source Models Are Closing the Frontier Gap",
    "seed-003-open-source-llms-2026": "Open source LLMs in 2026",
    "seed-004-counterarguments-report": "Are Open Source Models like Kimi & Qwen and GLM 5.2",
}


def _file_claims(source_id: str) -> list[dict]:
    directory = "prices" if source_id.startswith("genai-prices") else "sources"
    return yaml.safe_load((REAL_DATA / directory / f"{source_id}.yaml").read_text())["claims"]


@pytest.mark.parametrize("source_id", sorted(SEEDS))
def test_store_holds_every_claim_of_each_seed(real_store, source_id):
    listed = list_claims(real_store, source=source_id)
    assert len(listed) == len(_file_claims(source_id)) > 0
    assert all(SEEDS[source_id] in row["source"] for row in listed)


def _find(rows, **wanted):
    return [r for r in rows if all(r.get(k) == v for k, v in wanted.items())]


def test_spot_values(real_store):
    seed0 = list_claims(real_store, source="seed-000-vision-parity")
    assert _find(seed0, kind="score", subject="InternVL3-78B", property="MMMU", value=72.2)
    assert _find(seed0, kind="score", subject="Claude Sonnet 4.6", property="OSWorld", value=72.5)
    assert _find(seed0, kind="score", subject="Claude", property="SWE-bench", value=75, approximate=True)
    seed2 = list_claims(real_store, source="seed-002-meta-open-source-closing-gap")
    assert _find(seed2, kind="fact", subject="DeepSeek-V3-0324", property="total parameters", value=405)
    seed3 = list_claims(real_store, source="seed-003-open-source-llms-2026")
    assert _find(seed3, kind="score", subject="GPT-4o", property="MMLU", value=88.7, approximate=True)
    assert _find(seed3, kind="score", subject="Llama 3.3 70B Instruct", property="MMLU", min=86, max=87)
    seed4 = list_claims(real_store, source="seed-004-counterarguments-report")
    assert _find(seed4, kind="fact", property="compute share", value=74, approximate=True)
    assert _find(seed4, kind="score", subject="Kimi K2.5", property="VideoOdyssey", value=48.6)
    primary = list_claims(real_store, source="deepseek-v3-readme")
    assert _find(primary, kind="fact", subject="DeepSeek-V3", property="total parameters", value=671)


def test_price_import_is_current(tmp_path):
    pytest.importorskip("genai_prices")
    from kg.prices import import_prices

    committed = sorted((REAL_DATA / "prices").glob("genai-prices-*.yaml"))
    assert committed, "no imported prices: run `kg import-prices`"
    data_copy = tmp_path / "data"
    shutil.copytree(REAL_DATA, data_copy)
    for path in (data_copy / "prices").glob("*.yaml"):
        path.unlink()
    day = yaml.safe_load(committed[-1].read_text())["source"]["date"]
    out, count = import_prices(data_copy, today=dt.date.fromisoformat(day))
    if out.name != committed[-1].name:
        pytest.skip(f"installed genai-prices differs from the committed {committed[-1].name}")
    assert out.read_text() == committed[-1].read_text(), "prices are stale: run `kg import-prices`"
    assert count > 100


def test_price_reimport_on_a_later_day_changes_nothing(tmp_path):
    pytest.importorskip("genai_prices")
    from kg.prices import import_prices

    data_copy = tmp_path / "data"
    shutil.copytree(REAL_DATA, data_copy)
    for path in (data_copy / "prices").glob("*.yaml"):
        path.unlink()
    out, _ = import_prices(data_copy, today=dt.date(2026, 1, 2))
    first = out.read_text()
    again, _ = import_prices(data_copy, today=dt.date(2026, 3, 4))
    assert again == out and again.read_text() == first
    assert yaml.safe_load(first)["source"]["date"] == "2026-01-02"
