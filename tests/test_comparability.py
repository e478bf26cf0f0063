"""The comparability rule (kg/comparability.py): one example per clause of its docstring."""

import textwrap
from decimal import Decimal

import pytest

from kg import answers
from kg.adding import add_source
from kg.comparability import ComparableClaim, Relations, comparable_pairs, judge

M = "https://w3id.org/paritykg/id/model/"
B = "https://w3id.org/paritykg/id/benchmark/"


def score(iri: str, value: str, *, benchmark: str = "gpqa", subject: str = "m", approximate: bool = False,
          low: str | None = None, high: str | None = None, **setting: str) -> ComparableClaim:
    number = Decimal(value)
    exact = not approximate and low is None
    return ComparableClaim(iri=iri, kind="score", subject=M + subject, prop=B + benchmark, number=number,
                           low=Decimal(low) if low else number, high=Decimal(high) if high else number,
                           exact=exact, setting=dict(setting))


def verdict(a: ComparableClaim, b: ComparableClaim) -> str | None:
    pair = judge(a, b)
    return pair.verdict if pair else None


def test_distinct_exact_values_conflict_however_small_with_their_size():
    pair = judge(score("a", "84.9"), score("b", "84.8"))
    assert pair.verdict == "conflict"
    assert pair.size.difference == Decimal("0.1") and pair.size.digit_units == 1


def test_equal_exact_values_are_no_pair():
    assert judge(score("a", "88.7"), score("b", "88.70")) is None


def test_approximate_values_are_compared_as_intervals():
    assert verdict(score("a", "85", approximate=True, low="84", high="86"), score("b", "84.9")) is None
    assert verdict(score("a", "85", approximate=True, low="84", high="86"), score("b", "87")) == "conflict"


def test_stated_uncertainty_widens_the_interval():
    assert verdict(score("a", "1250", low="1244", high="1256"), score("b", "1253")) is None


def test_a_dimension_stated_on_both_sides_and_different_explains_the_difference():
    pair = judge(score("a", "79", reasoning_effort="high"), score("b", "71", reasoning_effort="low"))
    assert pair.verdict == "explained by setting" and pair.differing == ("reasoning_effort",)
    assert verdict(score("a", "40", harness="Terminus"), score("b", "52", harness="in-house agent")) \
        == "explained by setting"


def test_a_dimension_stated_on_one_side_only_is_its_own_label():
    pair = judge(score("a", "88.7", shots="0"), score("b", "87.2"))
    assert pair.verdict == "setting unstated on one side" and pair.unstated == ("shots",)


def test_no_default_fills_an_unsaid_dimension_but_the_scoring_metric_is_one_dimension():
    assert verdict(score("a", "90", split="easy subset"), score("b", "79.9")) == "setting unstated on one side"
    assert verdict(score("a", "72", pass_at="1"), score("b", "70")) == "setting unstated on one side"
    assert verdict(score("a", "72", pass_at="1"), score("b", "80", consensus_at="64")) == "explained by setting"
    assert verdict(score("a", "72", pass_at="1"), score("b", "70", pass_at="1")) == "conflict"


def test_reasoning_effort_is_its_level_or_else_the_sources_words():
    assert verdict(score("a", "86.7", reasoning_effort_mention="Extended Thinking"), score("b", "87.4")) \
        == "setting unstated on one side"
    assert verdict(score("a", "86.7", reasoning_effort="xhigh"), score("b", "87.4", reasoning_effort="high")) \
        == "explained by setting"


def test_scores_for_different_dates_are_explained_by_date():
    a, b = score("a", "1280"), score("b", "1301")
    a.as_of, b.as_of = "2025-01-10", "2025-03-10"
    assert verdict(a, b) == "explained by date"


def _relations() -> Relations:
    return Relations(benchmark_links=[(B + "gpqa-diamond", B + "gpqa")])


def test_related_benchmarks_are_explained_by_variant_and_equal_numbers_flagged():
    claims = [score("a", "53.6"), score("b", "53.6", benchmark="gpqa-diamond"),
              score("c", "59.1", benchmark="gpqa-diamond"), score("d", "59.1", benchmark="mmlu")]
    pairs = {(p.first.iri, p.second.iri): p.verdict for p in comparable_pairs(claims, _relations())}
    assert pairs == {("a", "b"): "same number under another benchmark",
                     ("a", "c"): "explained by benchmark variant",
                     ("b", "c"): "conflict"}


def _params(iri: str, subject: str, value: str) -> ComparableClaim:
    number = Decimal(value)
    return ComparableClaim(iri=iri, kind="fact", subject=M + subject,
                           prop="https://w3id.org/paritykg/value/fact-property/total-parameters",
                           number=number, low=number, high=number, exact=True)


@pytest.mark.parametrize(("relation", "compared"), [("quantization", True), ("revision", True),
                                                    ("fine-tune", False), ("distillation", False)])
def test_parameter_counts_are_compared_across_preserving_relations_only(relation, compared):
    relations = Relations(lineage_edges=[(M + "child", M + "parent", relation)])
    pairs = list(comparable_pairs([_params("a", "child", "405"), _params("b", "parent", "671")], relations))
    assert bool(pairs) is compared


def test_prices_compare_only_with_the_same_seller():
    def price(iri, value, provider=None):
        number = Decimal(value)
        return ComparableClaim(iri=iri, kind="price", subject=M + "m", prop="input", unit="usd", number=number,
                               low=number, high=number, exact=True, provider=provider, effective="2025-01-01")

    relations = Relations(seller_names={M + "m": {"openai"}})
    assert [p.verdict for p in comparable_pairs([price("a", "10"), price("b", "12", "OpenAI")], relations)] \
        == ["conflict"]
    assert list(comparable_pairs([price("a", "10"), price("b", "14", "Together AI")], relations)) == []


def test_kg_add_records_the_pairs_its_claims_make(scratch_store, tmp_path):
    """The add path derives pairs for the new source against what the store holds."""
    new = tmp_path / "restating-post.yaml"
    new.write_text(textwrap.dedent("""\
        source:
          id: restating-post
          title: A post restating numbers
          date: 2025-06-01
          kind: analysis
        claims:
        - id: chat-text
          kind: score
          subject: open-chat-70b
          mention: Open Chat 70B
          benchmark: bench-text
          value: 80.1
          setting: {shots: 5}
          locator: table 1
        """))
    add_source(new, scratch_store)
    groups = answers.contradictions(scratch_store, model="open-chat-70b")["groups"]
    pairs = [p for g in groups for p in g["pairs"] if "restating-post/chat-text" in (p["a"], p["b"])]
    by_other = {p["a"] if p["b"] == "restating-post/chat-text" else p["b"]: p for p in pairs}
    assert by_other["open-lab-card/chat-text"]["verdict"] == "conflict"  # 80 vs 80.1, both 5-shot
    assert by_other["open-lab-card/chat-text"]["last_digit_units"] == 1
    assert by_other["parity-article/chat-text"]["verdict"] == "setting unstated on one side"
