"""Which score claims a source policy admits: the one home of the sources, tools, attempts and
subjects options of the dated questions (parity, trend, lag).

Every score claim has an admission profile: who ran it (first-party, third-party, unknown), what its
subject is (model, group, system: ``pk:subjectKind``), what its source says about tools (with,
without, unstated) and whether it is a single attempt (no pass@k with k > 1, no majority vote).
The build writes each claim's profile (``pk:admission``, kg.keys) and, once, every profile node
with the option choices that admit it (``pk:admittedBySources`` "any", "first-party", ...), so a
question admits claims by one join on the profile instead of testing five properties claim by claim.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import product

import pyoxigraph as ox

from kg.namespaces import BASE, PK

RUN_BY = ("first-party", "third-party", "unknown")
KINDS = ("model", "group", "system")
TOOLS = ("with", "without", "unstated")
ATTEMPTS = ("single", "several")
ADMISSION_BASE = BASE + "id/admission/"


@dataclass(frozen=True)
class Profile:
    """What a policy option can test about a score claim."""

    run_by: str
    kind: str
    tools: str
    attempts: str

    @property
    def iri(self) -> str:
        """The profile node's IRI."""
        return f"{ADMISSION_BASE}{self.run_by}.{self.kind}.tools-{self.tools}.{self.attempts}"


Rule = Callable[[Profile], bool]

OPTIONS: dict[str, dict[str, Rule]] = {
    "sources": {
        "any": lambda p: True,
        "first-party": lambda p: p.run_by == "first-party",
        "third-party": lambda p: p.run_by == "third-party",
    },
    "tools": {
        "any": lambda p: True,
        "without": lambda p: p.tools != "with",
        "with": lambda p: p.tools == "with",
        "stated-without": lambda p: p.tools == "without",
    },
    "attempts": {
        "any": lambda p: True,
        "single": lambda p: p.attempts == "single",
    },
    "subjects": {
        "any": lambda p: p.kind != "system",
        "models": lambda p: p.kind == "model",
        "systems": lambda p: p.kind == "system",
        "all": lambda p: True,
    },
}
"""Per option, per choice: whether the choice admits a claim of that profile."""

ADMITTED_BY = {option: "admittedBy" + option.capitalize() for option in OPTIONS}
"""The vocabulary property naming, on a profile node, each choice of the option that admits it."""


def profile_of(run_by: str, kind: str, with_tools: bool | None, pass_at: int | None,
               consensus: bool) -> Profile:
    """The profile of a score claim from its run-by value's local name, subject kind, tools flag
    (None when its source says nothing), pass@k and whether it is a majority vote."""
    tools = "unstated" if with_tools is None else ("with" if with_tools else "without")
    single = (pass_at is None or pass_at == 1) and not consensus
    return Profile(run_by, kind, tools, "single" if single else "several")


def profile_quads(graph: ox.NamedNode) -> Iterator[ox.Quad]:
    """Every profile node with the choices that admit it (the same quads on every build)."""
    for parts in product(RUN_BY, KINDS, TOOLS, ATTEMPTS):
        profile = Profile(*parts)
        node = ox.NamedNode(profile.iri)
        yield ox.Quad(node, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode(str(PK.AdmissionProfile)), graph)
        for option, choices in OPTIONS.items():
            predicate = ox.NamedNode(str(PK[ADMITTED_BY[option]]))
            for choice, admits in choices.items():
                if admits(profile):
                    yield ox.Quad(node, predicate, ox.Literal(choice), graph)
