"""The shape of the curated YAML files, as pydantic records (``extra="forbid"`` everywhere).

These records are the authority on the data format: ``schema/data-file.schema.json`` is
generated from them and ``docs/data-format.md`` explains them with examples.
"""

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from kg.vocabulary import FACT_PROPERTY_BY_SLUG, slugs

SLUG_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


def _date_to_text(value: Any) -> Any:
    """YAML reads 2026-03-02 as a date; keep every date as text so partial dates fit too."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and 1900 <= value <= 2100:
        return str(value)
    return value


def _check_calendar(value: str) -> str:
    """Reject dates that match the pattern but do not exist (2026-02-30, 2026-13)."""
    parts = [int(p) for p in value.split("-")]
    year, month, day = parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1
    try:
        dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a real date ({exc})") from exc
    return value


def _valid_partial_date(value: Any) -> Any:
    value = _date_to_text(value)
    if isinstance(value, str) and re.fullmatch(DATE_PATTERN, value):
        return _check_calendar(value)
    return value


Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
PartialDate = Annotated[
    str,
    BeforeValidator(_valid_partial_date),
    StringConstraints(pattern=DATE_PATTERN),
    Field(description="A date as YYYY-MM-DD, or YYYY-MM / YYYY when only that is known."),
]
Number = Annotated[float | int, Field(allow_inf_nan=False)]

UnitSlug = Literal[slugs("unit")]  # type: ignore[valid-type]
CategorySlug = Literal[slugs("category")]  # type: ignore[valid-type]
SourceKindSlug = Literal[slugs("source-kind")]  # type: ignore[valid-type]
RunBySlug = Literal[slugs("run-by")]  # type: ignore[valid-type]
RelationSlug = Literal[slugs("relation")]  # type: ignore[valid-type]
StatusSlug = Literal[slugs("lineage-status")]  # type: ignore[valid-type]
PriceMeasureSlug = Literal[slugs("price-measure")]  # type: ignore[valid-type]
ComparisonRelationSlug = Literal[slugs("comparison-relation")]  # type: ignore[valid-type]
ComparisonMeasureSlug = Literal[slugs("comparison-measure")]  # type: ignore[valid-type]
StanceSlug = Literal[slugs("stance")]  # type: ignore[valid-type]
SystemKindSlug = Literal[slugs("system-kind")]  # type: ignore[valid-type]
FactPropertySlug = Literal[slugs("fact-property")]  # type: ignore[valid-type]
ReasoningEffortSlug = Literal[slugs("reasoning-effort")]  # type: ignore[valid-type]
BenchmarkRelationSlug = Literal[slugs("benchmark-relation")]  # type: ignore[valid-type]
IdentifierSchemeSlug = Literal[slugs("identifier-scheme")]  # type: ignore[valid-type]


class Record(BaseModel):
    """Base of every record: unknown keys are errors, values are checked on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, populate_by_name=True)


# --------------------------------------------------------------------------- reference data


class ExternalId(Record):
    """An identifier another catalogue gives an entity (a Hugging Face repo, an Epoch model version)."""

    scheme: IdentifierSchemeSlug = Field(
        description="Which catalogue: huggingface, epoch, models-dev, arena, livebench, swe-bench."
    )
    value: str = Field(
        min_length=1, max_length=300, description="The id exactly as that catalogue writes it."
    )


IMPORTED_DESCRIPTION = (
    "Name of the `kg import` dataset whose rows created this entity (it was not curated by hand); "
    "null for curated entities."
)


class Lab(Record):
    """An organisation that builds models."""

    id: Slug = Field(description="Unique slug of the lab, e.g. 'alibaba-qwen'.")
    name: str = Field(min_length=1, description="The lab's name as it writes it.")
    aliases: list[str] = Field(default_factory=list, description="Other names sources use.")
    url: str | None = Field(default=None, description="The lab's home page.")
    identifiers: list[ExternalId] = Field(
        default_factory=list, description="Ids other catalogues give the lab (a Hugging Face organisation)."
    )
    imported: Slug | None = Field(default=None, description=IMPORTED_DESCRIPTION)


class Family(Record):
    """A family of models, for sources that name only a family ('Claude', 'Qwen 3.5')."""

    id: Slug = Field(description="Unique slug of the family, e.g. 'qwen3.5'.")
    name: str = Field(min_length=1, description="The family's name.")
    lab: Slug = Field(description="Id of the lab that makes this family.")
    aliases: list[str] = Field(default_factory=list, description="Other names sources use.")
    parent: Slug | None = Field(default=None, description="Id of a broader family, if any.")


class Model(Record):
    """A released model checkpoint, API model or agent system."""

    id: Slug = Field(description="Unique slug, in the lab's own version spelling.")
    name: str = Field(min_length=1, description="The model's name as its lab writes it.")
    lab: Slug = Field(description="Id of the lab that released it.")
    family: Slug | None = Field(default=None, description="Id of its model family, if any.")
    aliases: list[str] = Field(default_factory=list, description="Other names sources use.")
    system_kind: SystemKindSlug = Field(
        default="model", description="model, agent-system or embedding-model."
    )
    identifiers: list[ExternalId] = Field(
        default_factory=list, description="Ids other catalogues give the model (Hugging Face repo, "
        "Epoch model version, models.dev id, Arena name, LiveBench id); importers resolve these first."
    )
    imported: Slug | None = Field(default=None, description=IMPORTED_DESCRIPTION)
    note: str | None = Field(default=None, description="Curator's note, in our own words.")


class Cohort(Record):
    """A group a source speaks of collectively ('open-weight models', 'US frontier labs')."""

    id: Slug = Field(description="Unique slug of the group.")
    name: str = Field(min_length=1, description="Name of the group.")
    definition: str = Field(min_length=1, description="Who or what belongs to the group.")


class Benchmark(Record):
    """An evaluation with its category, unit, direction and version."""

    id: Slug = Field(description="Unique slug, e.g. 'swe-bench-verified'.")
    name: str = Field(min_length=1, description="The name its authors use.")
    aliases: list[str] = Field(default_factory=list, description="Other names sources use.")
    category: CategorySlug = Field(description="What it measures (text-reasoning, code, ...).")
    unit: UnitSlug = Field(description="Unit of its scores (percent, elo, score-10, score).")
    higher_is_better: bool = Field(default=True, description="Whether a higher score is better.")
    version: str | None = Field(default=None, description="Version or split, if it has several.")
    parent: Slug | None = Field(
        default=None, description="Id of the benchmark this is a version or subset of."
    )
    variant_of: list["BenchmarkVariant"] = Field(
        default_factory=list, description="How this benchmark relates to others (subset of, version "
        "of, the same test set under another name): scores across them are not contradictions."
    )
    url: str | None = Field(default=None, description="Primary source: paper or official site.")


class BenchmarkVariant(Record):
    """A declared relation between two benchmarks."""

    benchmark: Slug = Field(description="Id of the related benchmark.")
    relation: BenchmarkRelationSlug = Field(description="subset-of, version-of or same-test-set.")


class Licence(Record):
    """A licence models are released under."""

    id: Slug = Field(description="Unique slug, e.g. 'apache-2.0'.")
    name: str = Field(min_length=1, description="The licence's full name.")
    spdx: str | None = Field(default=None, description="SPDX identifier, when one exists.")
    osi_approved: bool = Field(description="Whether the OSI approved it as an open licence.")
    url: str | None = Field(default=None, description="Where its text is published.")


class Proposition(Record):
    """A thesis sources support or dispute."""

    id: Slug = Field(description="Unique slug of the proposition.")
    statement: str = Field(min_length=1, description="The thesis, in our own words.")


class ReferenceFile(Record):
    """A file under data/reference/: any of the entity sections."""

    labs: list[Lab] = Field(default_factory=list, description="Labs.")
    families: list[Family] = Field(default_factory=list, description="Model families.")
    models: list[Model] = Field(default_factory=list, description="Models and agent systems.")
    cohorts: list[Cohort] = Field(default_factory=list, description="Groups of models or labs.")
    benchmarks: list[Benchmark] = Field(default_factory=list, description="Benchmarks.")
    licences: list[Licence] = Field(default_factory=list, description="Licences.")
    propositions: list[Proposition] = Field(default_factory=list, description="Theses.")


# --------------------------------------------------------------------------- sources and claims


class Source(Record):
    """A document claims come from."""

    id: Slug = Field(description="Unique slug of the source; also its file name.")
    title: str = Field(min_length=1, description="Title as the document gives it.")
    publisher: str | None = Field(default=None, description="Publisher; null when not stated.")
    url: str | None = Field(default=None, description="Where it is published, if anywhere.")
    date: PartialDate = Field(description="Publication date (YYYY-MM-DD, YYYY-MM or YYYY).")
    kind: SourceKindSlug = Field(description="Kind of document (analysis, readme, paper, ...).")
    labs: list[Slug] = Field(
        default_factory=list,
        description="Labs whose own publication this is: their models' scores are first-party.",
    )
    repository: str | None = Field(default=None, description="GitHub owner/name, if read there.")
    path: str | None = Field(default=None, description="File path inside the repository.")
    commit: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{40}$")] | None = Field(
        default=None, description="The 40-hex commit that was read."
    )
    accessed: PartialDate | None = Field(default=None, description="When we read it.")
    stored_copy: str | None = Field(
        default=None, alias="copy", description="Where our stored copy is, if any."
    )
    licence: str | None = Field(
        default=None, max_length=200, description="Reuse licence of the document or dataset: its SPDX "
        "identifier where one exists (MIT, CC-BY-NC-4.0), else the licence's name."
    )
    licence_url: Annotated[str, StringConstraints(pattern=r"^https?://[^\s<>\"{}|\\^`]+$")] | None = Field(
        default=None, description="Where the licence text is (the dataset's LICENSE file or the SPDX page)."
    )
    attribution: str | None = Field(
        default=None, max_length=500, description="Who must be credited on reuse and the notice to keep "
        "('(c) 2025 Epoch AI'), as the licence asks."
    )
    note: str | None = Field(default=None, description="Curator's note, in our own words.")


class Origin(Record):
    """The document a dataset row cites for its value (who measured, beside who compiled)."""

    title: str | None = Field(default=None, max_length=500, description="The cited document's title or name "
                              "as the row gives it.")
    url: str | None = Field(default=None, max_length=2000, description="The cited document's address.")

    @model_validator(mode="after")
    def _something_cited(self) -> "Origin":
        if self.title is None and self.url is None:
            raise ValueError("give the cited origin's 'title', 'url' or both")
        return self


class Setting(Record):
    """How an evaluation was run; scores in different settings are not contradictions."""

    shots: int | None = Field(default=None, ge=0, description="Number of in-context examples.")
    cot: bool | None = Field(default=None, description="Whether chain-of-thought was used.")
    pass_at: int | None = Field(default=None, ge=1, description="k of pass@k for code.")
    consensus_at: int | None = Field(
        default=None, ge=1, description="k of cons@k or maj@k: the answer is a majority vote over k samples."
    )
    tools: bool | None = Field(
        default=None,
        description="True when the model could call tools (search, code execution, browsing) that the "
        "benchmark itself does not provide; null when the source does not say.",
    )
    split: str | None = Field(default=None, description="Split, subset or variant evaluated.")
    snapshot: str | None = Field(
        default=None,
        description="Dated version of the model that was evaluated, as the lab's own model id "
        "(gpt-4o-2024-08-06, claude-3-5-sonnet-20241022), when the source names one; scores of "
        "different snapshots of one model are not contradictions.",
    )
    reasoning_effort: ReasoningEffortSlug | None = Field(
        default=None,
        description="How much the model was allowed to think, as a controlled level (o3-mini-high -> "
        "high; a model run with thinking off -> none), when the source says.",
    )
    reasoning_effort_mention: str | None = Field(
        default=None, description="The source's own words for the reasoning effort ('high', "
        "'thinking budget 32k', 'extended thinking')."
    )
    system_prompt: str | None = Field(
        default=None, description="The system prompt used, named or described ('default', "
        "'the lab's recommended prompt', 'none')."
    )
    harness: str | None = Field(
        default=None, description="The evaluation harness, scaffold or agent framework ('Terminus', "
        "'OpenHands', 'in-house agent', 'lm-evaluation-harness', 'simple-evals')."
    )
    attempts: int | Literal["multiple"] | None = Field(
        default=None, description="How many attempts the model had per task; 'multiple' when the "
        "source says several without giving the number."
    )
    evaluator: Slug | None = Field(
        default=None, description="Id of the organisation that ran the evaluation (a lab in the "
        "reference data), when the source says, e.g. an evaluator re-running a model through its API."
    )
    output_cap: int | None = Field(
        default=None, ge=1, description="The output-length cap in tokens, when the source states one."
    )
    note: str | None = Field(default=None, description="Any other condition, in our words.")

    def key(self) -> str:
        """A canonical text for the setting (equal keys: equal settings; whether two settings are
        comparable is decided by kg.comparability, which reads this key too)."""
        parts = [
            f"{name}={value}"
            for name, value in self.model_dump(exclude_none=True).items()
            if name != "note"
        ]
        return ";".join(parts)


class Uncertainty(Record):
    """How uncertain a score is, as the source states it: a standard error, an interval, votes."""

    stderr: Number | None = Field(default=None, ge=0, description="Standard error of the score.")
    ci_low: Number | None = Field(default=None, description="Lower end of the stated confidence interval.")
    ci_high: Number | None = Field(default=None, description="Upper end of the stated confidence interval.")
    ci_level: Number | None = Field(
        default=None, gt=0, lt=100, description="Confidence level of the interval in percent (95)."
    )
    votes: int | None = Field(default=None, ge=0, description="Number of votes or samples behind it.")

    @model_validator(mode="after")
    def _something_stated(self) -> "Uncertainty":
        if all(v is None for v in (self.stderr, self.ci_low, self.ci_high, self.votes)):
            raise ValueError("give at least one of stderr, ci_low/ci_high or votes")
        if (self.ci_low is None) != (self.ci_high is None):
            raise ValueError("give both ci_low and ci_high, or neither")
        if self.ci_low is not None and self.ci_high is not None and self.ci_low > self.ci_high:
            raise ValueError(f"'ci_low' ({self.ci_low}) is greater than 'ci_high' ({self.ci_high})")
        return self


class ValueMixin(Record):
    """A value or a range, possibly approximate."""

    value: Number | None = Field(default=None, description="The value as the source states it.")
    min: Number | None = Field(default=None, description="Lower end, when a range is given.")
    max: Number | None = Field(default=None, description="Upper end, when a range is given.")
    approximate: bool = Field(
        default=False, description="True for '~88', 'approximately', 'around', 'up to'."
    )

    @model_validator(mode="after")
    def _value_or_range(self) -> "ValueMixin":
        has_range = self.min is not None or self.max is not None
        if self.value is None and not has_range:
            raise ValueError("give either 'value' or 'min'/'max'")
        if self.value is not None and has_range:
            raise ValueError("give 'value' or 'min'/'max', not both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"'min' ({self.min}) is greater than 'max' ({self.max})")
        return self


class ClaimBase(Record):
    """What every claim has."""

    id: Slug = Field(description="Unique slug of the claim within its source file.")
    locator: str = Field(min_length=1, description="Where in the source: section, table, row.")
    as_of: PartialDate | None = Field(
        default=None, description="Date the claim speaks for, if not the source's date."
    )
    origin: Origin | None = Field(
        default=None, description="The document this row of a dataset cites for its value (a paper, a "
        "lab page, a leaderboard), kept beside the dataset's own locator."
    )
    note: str | None = Field(default=None, description="Curator's note, in our own words.")


class ScoreClaim(ClaimBase, ValueMixin):
    """A model's (or family's, or group's) score on a benchmark."""

    kind: Literal["score"] = Field(description="Claim kind.")
    subject: Slug = Field(description="Id of the model, family or cohort scored.")
    mention: str = Field(min_length=1, description="The subject's name as the source writes it.")
    benchmark: Slug = Field(description="Id of the benchmark.")
    benchmark_mention: str | None = Field(
        default=None, description="The benchmark's name as the source writes it."
    )
    run_by: RunBySlug | None = Field(
        default=None,
        description="Who ran it; when omitted, first-party if the source is the model's lab's.",
    )
    setting: Setting = Field(default_factory=Setting, description="Evaluation setting.")
    uncertainty: Uncertainty | None = Field(
        default=None, description="The uncertainty the source states for the score, if any."
    )


class PriceClaim(ClaimBase, ValueMixin):
    """A price for using a model."""

    kind: Literal["price"] = Field(description="Claim kind.")
    subject: Slug = Field(description="Id of the model, family or cohort priced.")
    mention: str = Field(min_length=1, description="The subject's name as the source writes it.")
    provider: str | None = Field(default=None, description="Who sells it (lab id or name).")
    measure: PriceMeasureSlug = Field(description="input, output, blended, unspecified, ...")
    unit: Literal["usd-per-mtok", "usd-per-month"] = Field(
        default="usd-per-mtok", description="USD per million tokens, or USD per month."
    )
    setting: Setting = Field(default_factory=Setting, description="Conditions of the price.")


class FactClaim(ClaimBase, ValueMixin):
    """A property of an entity: developer, release date, parameters, licence..."""

    kind: Literal["fact"] = Field(description="Claim kind.")
    subject: Slug = Field(description="Id of the entity the fact is about.")
    mention: str = Field(min_length=1, description="The subject's name as the source writes it.")
    property: FactPropertySlug = Field(description="Which property (see docs/data-format.md).")
    value: Number | str | bool | None = Field(  # type: ignore[assignment]
        default=None, description="Number, date, true/false, lab or licence id, or text."
    )
    unit: UnitSlug | None = Field(default=None, description="Unit, if not the property's own.")
    qualifier: str | None = Field(default=None, description="What a count or share is of.")

    @model_validator(mode="before")
    @classmethod
    def _dates_as_text(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("value"), dt.date):
            data = {**data, "value": data["value"].isoformat()}
        return data

    @model_validator(mode="after")
    def _value_fits_property(self) -> "FactClaim":
        spec = FACT_PROPERTY_BY_SLUG[self.property]
        if self.value is None:
            if spec.value_type != "number":
                raise ValueError(f"property '{self.property}' needs a single 'value'")
            return self
        expected = spec.value_type
        value = self.value
        if expected == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise ValueError(f"property '{self.property}' needs a number, got {value!r}")
        if expected == "boolean" and not isinstance(value, bool):
            raise ValueError(f"property '{self.property}' needs true or false, got {value!r}")
        if expected in ("lab", "licence", "text") and not isinstance(value, str):
            raise ValueError(f"property '{self.property}' needs text, got {value!r}")
        if expected in ("lab", "licence") and not re.fullmatch(SLUG_PATTERN, value):
            raise ValueError(f"property '{self.property}' needs a {expected} id, got {value!r}")
        if expected == "date":
            if not isinstance(value, str) or not re.fullmatch(DATE_PATTERN, value):
                raise ValueError(f"property '{self.property}' needs a date, got {value!r}")
            _check_calendar(value)
        return self


class LineageClaim(ClaimBase):
    """One model built on another."""

    kind: Literal["lineage"] = Field(description="Claim kind.")
    child: Slug = Field(description="Id of the model (or family) built on the parent.")
    child_mention: str = Field(min_length=1, description="The child's name in the source.")
    parent: Slug = Field(description="Id of the model (or family) it is built on.")
    parent_mention: str = Field(min_length=1, description="The parent's name in the source.")
    relation: RelationSlug = Field(description="fine-tune, distillation, backbone, revision, ...")
    status: StatusSlug = Field(description="documented, reported or alleged.")


class Magnitude(ValueMixin):
    """How large a comparison says the difference is."""

    unit: Literal["points", "percent", "ratio", "months"] = Field(
        description="points (on the benchmark's scale), percent, ratio (x times) or months."
    )


class ComparisonClaim(ClaimBase):
    """A comparison the source draws ('X exceeds Y on B', '31x cheaper')."""

    kind: Literal["comparison"] = Field(description="Claim kind.")
    left: Slug = Field(description="Id of the first model, family or cohort compared.")
    left_mention: str = Field(min_length=1, description="Its name in the source.")
    right: Slug = Field(description="Id of the second model, family or cohort compared.")
    right_mention: str = Field(min_length=1, description="Its name in the source.")
    benchmark: Slug | None = Field(default=None, description="Id of the benchmark, if any.")
    measure: ComparisonMeasureSlug = Field(description="What is compared: score, price, ...")
    relation: ComparisonRelationSlug = Field(description="exceeds, trails, matches, within, ...")
    magnitude: Magnitude | None = Field(default=None, description="Size of the difference.")


class StanceClaim(ClaimBase):
    """The source supports, disputes or qualifies a proposition."""

    kind: Literal["stance"] = Field(description="Claim kind.")
    proposition: Slug = Field(description="Id of the proposition.")
    stance: StanceSlug = Field(description="supports, disputes or qualifies.")
    quote_free_summary: str = Field(
        min_length=1, description="The source's argument in our own words (never a quote)."
    )


Claim = Annotated[
    ScoreClaim | PriceClaim | FactClaim | LineageClaim | ComparisonClaim | StanceClaim,
    Field(discriminator="kind"),
]


class SourceFile(Record):
    """A file under data/sources/: one source and all its claims."""

    source: Source = Field(description="The source document.")
    claims: list[Claim] = Field(min_length=1, description="Every claim the source makes.")


def value_interval(
    value: float | int | None,
    low: float | int | None,
    high: float | int | None,
    approximate: bool,
) -> tuple[float | None, float | None]:
    """The interval a stated value covers, used to decide whether two claims conflict.

    A range is its ends. An exact value covers half a unit of its last written digit
    (72.2 -> 72.15..72.25); an approximate one a whole unit (~90 -> 89..91). An approximate
    one-sided range ("up to 42") keeps its open end.
    """
    if value is None:
        return (low if low is not None else None, high if high is not None else None)
    text = repr(float(value)) if isinstance(value, float) else str(value)
    decimals = len(text.split(".")[1]) if "." in text and not text.endswith(".0") else 0
    step = 10.0 ** (-decimals)
    widen = step if approximate else step / 2
    return (round(value - widen, decimals + 2), round(value + widen, decimals + 2))
