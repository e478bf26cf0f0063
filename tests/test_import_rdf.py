"""The importer fields in RDF: identifiers, imported flag, a claim's origin, a source's licence."""

from pathlib import Path

import pytest
from pydantic import ValidationError
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV

from kg.importers.core import ImportReport, Resolver
from kg.integrity import check_tree
from kg.loading import DataTree, LoadedReference, LoadedSource
from kg.namespaces import CC, PK, SCHEMA, claim_iri, entity_iri, source_iri, value_iri
from kg.rdf import reference_graph, source_graph_of
from kg.records import ReferenceFile, SourceFile
from kg.validation import shacl_violations

REFERENCE = ReferenceFile.model_validate({
    "labs": [{"id": "lab-a", "name": "Lab A", "identifiers": [{"scheme": "huggingface", "value": "lab-a"}]}],
    "models": [
        {"id": "model-a", "name": "Model A", "lab": "lab-a", "imported": "openllm",
         "identifiers": [{"scheme": "huggingface", "value": "lab-a/Model-A"}, {"scheme": "epoch", "value": "m-a"}]},
        {"id": "model-b", "name": "Model B", "lab": "lab-a", "aliases": ["Model A"]},
    ],
    "benchmarks": [{"id": "bench", "name": "Bench", "category": "math", "unit": "percent"}],
})
SOURCE = SourceFile.model_validate({
    "source": {"id": "ds-1", "title": "A dataset", "date": "2025-03-21", "kind": "dataset", "licence": "MIT",
               "licence_url": "https://example.org/LICENSE", "attribution": "Copyright (c) 2025 A"},
    "claims": [{"id": "c1", "kind": "score", "subject": "model-a", "mention": "lab-a/Model-A",
                "benchmark": "bench", "value": 50.5, "locator": "f.csv, row 2, commit abc",
                "origin": {"title": "A paper", "url": "https://example.org/paper"}}],
})


def _graphs() -> tuple[Graph, Graph]:
    tree = DataTree([LoadedReference(Path("ref.yaml"), REFERENCE)], [LoadedSource(Path("ds-1.yaml"), SOURCE)])
    return reference_graph([REFERENCE]), source_graph_of(SOURCE, check_tree(tree))


def test_identifiers_are_schema_property_values():
    reference, _ = _graphs()
    model = entity_iri("model", "model-a")
    values = {(reference.value(node, SCHEMA.propertyID), str(reference.value(node, SCHEMA.value)))
              for node in reference.objects(model, SCHEMA.identifier)}
    assert values == {(value_iri("identifier-scheme", "huggingface"), "lab-a/Model-A"),
                      (value_iri("identifier-scheme", "epoch"), "m-a")}
    assert reference.value(model, PK.importedFrom) == Literal("openllm")
    assert reference.value(entity_iri("model", "model-b"), PK.importedFrom) is None


def test_origin_and_licence_in_rdf():
    _, source = _graphs()
    claim = claim_iri("ds-1", "c1")
    origin = source.value(claim, PROV.hadPrimarySource)
    assert (RDF.type, PROV.Entity) in source.predicate_objects(origin)
    assert str(source.value(origin, DCTERMS.title)) == "A paper"
    assert str(source.value(origin, SCHEMA.url)) == "https://example.org/paper"
    assert source.value(claim, PROV.wasDerivedFrom) == source_iri("ds-1")
    node = source_iri("ds-1")
    assert source.value(node, DCTERMS.license) == URIRef("https://example.org/LICENSE")
    assert str(source.value(node, DCTERMS.rights)) == "MIT"
    assert str(source.value(node, CC.attributionName)) == "Copyright (c) 2025 A"


def test_shapes_accept_the_new_fields_and_refuse_a_bad_identifier():
    reference, source = _graphs()
    graph = reference + source
    assert shacl_violations(graph) == []
    bad = next(graph.objects(entity_iri("model", "model-a"), SCHEMA.identifier))
    graph.set((bad, SCHEMA.propertyID, value_iri("unit", "percent")))
    assert any(key == "identifiers" for _, key, _ in shacl_violations(graph))


def test_origin_needs_a_title_or_url_and_licence_url_an_address():
    with pytest.raises(ValidationError, match="origin"):
        SourceFile.model_validate({**SOURCE.model_dump(by_alias=True, exclude_none=True),
                                   "claims": [{**SOURCE.claims[0].model_dump(exclude_none=True), "origin": {}}]})
    with pytest.raises(ValidationError, match="licence_url"):
        SourceFile.model_validate({"source": {**SOURCE.source.model_dump(by_alias=True, exclude_none=True),
                                              "licence_url": "not a url"}, "claims": SOURCE.model_dump()["claims"]})


def test_resolution_by_identifier_wins_and_names_never_guess():
    tree = DataTree([LoadedReference(Path("ref.yaml"), REFERENCE)], [])
    models = Resolver.of(tree, "models")
    assert models.resolve("Model A").ids == ["model-a", "model-b"]  # ambiguous by name
    assert models.resolve("Model A").resolved is None
    assert models.resolve("Model A", [("huggingface", "LAB-A/model-a")]).resolved == "model-a"
    assert models.resolve("anything", [("epoch", "m-a")]).resolved == "model-a"
    assert models.resolve("Model B", lab="other-lab").ids == []
    report = ImportReport()
    report.note_unresolved(models.resolve("Model A"), "f.csv row 3")
    assert report.unresolved_rows() == [("model 'Model A' (ambiguous: model-a, model-b)", 1, "f.csv row 3")]


def test_settled_resolution_does_not_depend_on_row_order(tmp_path):
    from kg.importers.core import ImportedEntities, settled

    tree = DataTree([LoadedReference(Path("ref.yaml"), REFERENCE)], [])
    entities = ImportedEntities(tree, tmp_path, "test")

    def build(report: ImportReport) -> list[dict]:
        first = entities.model("Zeta-1", report, "row 2")  # no lab: found, or reported
        second = entities.model("Zeta-1", report, "row 3", lab="Zeta Lab")  # creates it
        return [{"row 2": first, "row 3": second}]

    claims, report = settled(entities, build)
    assert claims == [{"row 2": "zeta-1", "row 3": "zeta-1"}]
    assert report.unresolved == {} and entities.added == {"labs": 1, "models": 1}
