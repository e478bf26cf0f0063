"""The admission profiles: one home for the sources, tools, attempts and subjects options."""

import pyoxigraph as ox
import pytest

from kg.admission import ADMITTED_BY, OPTIONS, Profile, profile_of, profile_quads
from kg.namespaces import PK
from kg.queries import canned_query


@pytest.mark.parametrize("question", ["parity", "trend", "lag"])
def test_every_choice_a_question_offers_has_a_rule(question):
    for param in canned_query(question).params:
        if param.name in OPTIONS:
            assert set(param.choices) == set(OPTIONS[param.name]), (question, param.name)


@pytest.mark.parametrize("with_tools, pass_at, consensus, tools, attempts", [
    (None, None, False, "unstated", "single"),
    (True, 1, False, "with", "single"),
    (False, 5, False, "without", "several"),
    (False, None, True, "without", "several"),
])
def test_profile_of_a_claim(with_tools, pass_at, consensus, tools, attempts):
    profile = profile_of("third-party", "model", with_tools, pass_at, consensus)
    assert profile == Profile("third-party", "model", tools, attempts)


def _admits(option: str, choice: str, profile: Profile) -> bool:
    return OPTIONS[option][choice](profile)


def test_the_choices_admit_what_the_questions_document():
    unstated = Profile("unknown", "group", "unstated", "single")
    with_tools = Profile("first-party", "system", "with", "several")
    assert _admits("tools", "without", unstated) and not _admits("tools", "stated-without", unstated)
    assert _admits("tools", "with", with_tools) and not _admits("tools", "without", with_tools)
    assert not _admits("attempts", "single", with_tools) and _admits("attempts", "any", with_tools)
    assert _admits("subjects", "any", unstated) and not _admits("subjects", "models", unstated)
    assert not _admits("subjects", "any", with_tools) and _admits("subjects", "systems", with_tools)
    assert _admits("sources", "first-party", with_tools) and not _admits("sources", "third-party", with_tools)


def test_profile_nodes_list_exactly_the_admitting_choices():
    graph = ox.NamedNode("https://w3id.org/paritykg/graph/derived")
    store = ox.Store()
    store.extend(list(profile_quads(graph)))
    profile = Profile("first-party", "model", "without", "single")
    node = ox.NamedNode(profile.iri)
    for option, choices in OPTIONS.items():
        stated = {quad.object.value for quad in
                  store.quads_for_pattern(node, ox.NamedNode(str(PK[ADMITTED_BY[option]])), None, graph)}
        assert stated == {choice for choice, admits in choices.items() if admits(profile)}
