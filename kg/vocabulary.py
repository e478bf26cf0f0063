"""Controlled values (units, categories, relations, fact properties...): the one list of each.

The pydantic records take their allowed values from here, and ``ontology/values.ttl`` is
generated from here (``kg ontology``), so the two cannot drift apart.
"""

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Concept:
    """One controlled value: its slug, a label and a definition for curators."""

    slug: str
    label: str
    definition: str


@dataclass(frozen=True)
class FactProperty(Concept):
    """A property a fact claim can state, with the kind of value it takes."""

    value_type: Literal["lab", "licence", "date", "boolean", "number", "text"] = "number"
    unit: str | None = None


UNITS = (
    Concept("percent", "percent", "A share or accuracy on a 0-100 scale."),
    Concept("elo", "Elo rating", "A rating from pairwise preference votes."),
    Concept("score-10", "score out of 10", "A judge's score on a 0-10 scale."),
    Concept("score", "score", "A benchmark-specific score or index value."),
    Concept("usd-per-mtok", "USD per million tokens", "Price in US dollars per million tokens."),
    Concept("usd-per-month", "USD per month", "Cost in US dollars per month of use."),
    Concept("gbp", "GBP", "An amount in pounds sterling."),
    Concept("usd", "USD", "An amount in US dollars."),
    Concept("billion-parameters", "billion parameters", "Parameter count in billions."),
    Concept("tokens", "tokens", "A number of tokens."),
    Concept("count", "count", "A number of things."),
    Concept("minutes", "minutes", "A duration in minutes."),
    Concept("months", "months", "A duration in months."),
    Concept("points", "points", "A difference on the benchmark's own scale (percentage points)."),
    Concept("ratio", "ratio", "How many times larger one value is than another."),
)

CATEGORIES = (
    Concept("text-reasoning", "text reasoning", "Reasoning over text questions."),
    Concept("knowledge", "knowledge", "Breadth of world and academic knowledge."),
    Concept("code", "code", "Writing or repairing program code."),
    Concept("math", "math", "Mathematical problem solving."),
    Concept("vision", "vision", "Understanding images, charts and documents."),
    Concept("video", "video", "Understanding video (and its audio)."),
    Concept("computer-use", "computer use", "Operating a desktop or web interface."),
    Concept("human-preference", "human preference", "Human votes between model answers."),
    Concept("instruction-following", "instruction following", "Following verifiable instructions."),
    Concept("agentic", "agentic", "Multi-step tool use and long-horizon tasks."),
    Concept("multimodal", "multimodal", "Reasoning across several modalities at once."),
    Concept("long-context", "long context", "Using very long inputs reliably."),
    Concept("retrieval", "retrieval", "Embedding and retrieval quality."),
    Concept("composite", "composite", "An index combining several benchmarks."),
)

SOURCE_KINDS = (
    Concept("news", "news article", "A news report."),
    Concept("analysis", "analysis", "An analysis or opinion article."),
    Concept("blog", "blog post", "A blog post."),
    Concept("research-report", "research report", "A research or market report."),
    Concept("model-card", "model card", "A model card published with a model."),
    Concept("readme", "README", "A repository README."),
    Concept("paper", "paper", "A research paper or preprint."),
    Concept("technical-report", "technical report", "A lab's technical report."),
    Concept("announcement", "announcement", "A lab's release announcement."),
    Concept("leaderboard", "leaderboard", "A leaderboard page."),
    Concept("price-list", "price list", "A list of API prices."),
    Concept("documentation", "documentation", "Product or API documentation."),
    Concept("dataset", "dataset", "A published data set or package of data."),
)

RUN_BY = (
    Concept("first-party", "first party", "The lab that made the model ran the evaluation."),
    Concept("third-party", "third party", "Someone other than the model's lab ran it."),
    Concept("unknown", "unknown", "The source does not say who ran it."),
)

LINEAGE_RELATIONS = (
    Concept("fine-tune", "fine-tune", "The child is the parent further trained on new data."),
    Concept("distillation", "distillation", "The child was trained on the parent's outputs."),
    Concept("backbone", "backbone / component", "The parent is a component of the child (for an agent "
            "system: a model the system drives)."),
    Concept("quantization", "quantization", "The child is the parent at lower precision."),
    Concept("merge", "merge", "The child merges the weights of several parents."),
    Concept(
        "continued-pretraining",
        "continued pre-training",
        "The child continues the parent's pre-training.",
    ),
    Concept("adapter", "adapter", "The child adds adapter weights to the parent."),
    Concept(
        "revision",
        "revision",
        "The child is a later checkpoint of the parent with the same architecture.",
    ),
)

LINEAGE_STATUSES = (
    Concept("documented", "documented", "The lab that made the child states the relation."),
    Concept("reported", "reported", "A third party restates what the lab documents."),
    Concept("alleged", "alleged", "A third party asserts a relation the lab does not document."),
)

PRICE_MEASURES = (
    Concept("input", "input tokens", "Price of input (prompt) tokens."),
    Concept("output", "output tokens", "Price of output (completion) tokens."),
    Concept("blended", "blended", "A blend of input and output prices."),
    Concept("unspecified", "unspecified", "The source does not say which tokens."),
    Concept("monthly-cost", "monthly cost", "Cost of a stated monthly workload."),
)

COMPARISON_RELATIONS = (
    Concept("exceeds", "exceeds", "Left is better (or larger) than right."),
    Concept("trails", "trails", "Left is worse (or smaller) than right."),
    Concept("matches", "matches", "Left and right are about equal."),
    Concept("within", "within", "Left is within the stated margin of right."),
    Concept("cheaper", "cheaper", "Left costs less than right."),
)

COMPARISON_MEASURES = (
    Concept("score", "score", "A benchmark score."),
    Concept("price", "price", "A price."),
    Concept("parameters", "parameters", "A parameter count."),
    Concept("release", "release timing", "How long after another a model reached a level."),
    Concept("general", "general capability", "Capability in general, no single benchmark."),
)

STANCES = (
    Concept("supports", "supports", "The source argues the proposition holds."),
    Concept("disputes", "disputes", "The source argues the proposition does not hold."),
    Concept("qualifies", "qualifies", "The source accepts it only in part or with caveats."),
)

SYSTEM_KINDS = (
    Concept("model", "model", "A released model checkpoint or API model."),
    Concept("agent-system", "agent system", "A system that drives one or more models as an agent."),
    Concept("embedding-model", "embedding model", "A model that produces embeddings."),
)

FACT_PROPERTIES = (
    FactProperty("developer", "developer", "The lab that made it.", "lab"),
    FactProperty("release-date", "release date", "When it was released.", "date"),
    FactProperty(
        "weights-available", "weights available", "Whether its weights can be downloaded.",
        "boolean",
    ),
    FactProperty(
        "distilled", "distilled", "Whether it was trained by distillation from another model (the teacher "
        "may be unnamed; a named teacher is a lineage claim).", "boolean",
    ),
    FactProperty(
        "code-available", "code available", "Whether an agent system's source code is published (its "
        "own code, not the weights of the models it drives).", "boolean",
    ),
    FactProperty("licence", "licence", "The licence its weights (for an agent system: its code) are "
                 "released under.", "licence"),
    FactProperty(
        "total-parameters", "total parameters", "All parameters, in billions.", "number",
        "billion-parameters",
    ),
    FactProperty(
        "active-parameters", "active parameters", "Parameters used per token, in billions.",
        "number", "billion-parameters",
    ),
    FactProperty("context-window", "context window", "Longest input, in tokens.", "number",
                 "tokens"),
    FactProperty("architecture", "architecture", "Its architecture, in words.", "text"),
    FactProperty("item-count", "item count", "How many items (see qualifier) it has.", "number",
                 "count"),
    FactProperty(
        "invalid-question-rate", "invalid question rate",
        "Share of a benchmark's questions found to be invalid.", "number", "percent",
    ),
    FactProperty(
        "compute-share", "compute share", "Share of compute (see qualifier) it controls.",
        "number", "percent",
    ),
    FactProperty(
        "closed-models-in-top-10", "closed models in top 10",
        "How many of a leaderboard's top ten models are closed.", "number", "count",
    ),
    FactProperty("account-count", "account count", "A number of accounts (see qualifier).",
                 "number", "count"),
    FactProperty(
        "interaction-count", "interaction count", "A number of interactions (see qualifier).",
        "number", "count",
    ),
    FactProperty(
        "workload-share", "workload share", "Share of workloads (see qualifier).", "number",
        "percent",
    ),
    FactProperty("cost", "cost", "An amount of money (see qualifier and unit).", "number"),
    FactProperty(
        "average-video-minutes", "average video length", "Mean video length, in minutes.",
        "number", "minutes",
    ),
    FactProperty(
        "certificate-minutes", "certificate length",
        "Length of the continuous segment needed to answer, in minutes.", "number", "minutes",
    ),
)

REASONING_EFFORTS = (
    Concept("none", "none", "Reasoning (thinking) switched off."),
    Concept("minimal", "minimal", "The lowest reasoning setting a model offers above none."),
    Concept("low", "low", "A low reasoning effort or small thinking budget (o3-mini-low)."),
    Concept("medium", "medium", "A medium reasoning effort, often the default."),
    Concept("high", "high", "A high reasoning effort or large thinking budget (o3-mini-high)."),
    Concept("xhigh", "extra high", "A level above high, where a lab offers one."),
    Concept("max", "maximum", "The largest reasoning budget the lab offers ('max', 'heavy')."),
)

BENCHMARK_RELATIONS = (
    Concept("subset-of", "subset of", "The benchmark is a subset of the other (GPQA Diamond of GPQA)."),
    Concept("version-of", "version of", "The benchmark is a later or earlier version of the other."),
    Concept("same-test-set", "same test set", "The same test set under another name."),
)

IDENTIFIER_SCHEMES = (
    Concept("huggingface", "Hugging Face repository", "A Hugging Face Hub repository id (owner/name)."),
    Concept("epoch", "Epoch AI model version", "A model version id in Epoch AI's benchmark data."),
    Concept("models-dev", "models.dev model", "A model id in the models.dev catalogue (provider/model)."),
    Concept("arena", "LMArena name", "A model's name on the LMArena (Chatbot Arena) leaderboard."),
    Concept("livebench", "LiveBench model", "A model's id in LiveBench's result tables."),
    Concept("swe-bench", "SWE-bench entry", "A SWE-bench leaderboard entry's id (its results folder)."),
)

SCHEMES: dict[str, tuple[Concept, ...]] = {
    "unit": UNITS,
    "category": CATEGORIES,
    "source-kind": SOURCE_KINDS,
    "run-by": RUN_BY,
    "relation": LINEAGE_RELATIONS,
    "lineage-status": LINEAGE_STATUSES,
    "price-measure": PRICE_MEASURES,
    "comparison-relation": COMPARISON_RELATIONS,
    "comparison-measure": COMPARISON_MEASURES,
    "stance": STANCES,
    "system-kind": SYSTEM_KINDS,
    "fact-property": FACT_PROPERTIES,
    "reasoning-effort": REASONING_EFFORTS,
    "benchmark-relation": BENCHMARK_RELATIONS,
    "identifier-scheme": IDENTIFIER_SCHEMES,
}


def slugs(scheme: str) -> tuple[str, ...]:
    """The allowed slugs of one controlled vocabulary."""
    return tuple(concept.slug for concept in SCHEMES[scheme])


FACT_PROPERTY_BY_SLUG: dict[str, FactProperty] = {p.slug: p for p in FACT_PROPERTIES}
