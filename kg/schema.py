"""JSON Schemas for data files, generated from the pydantic records."""

import json
from pathlib import Path

from kg.packaged import SCHEMA_DIR
from kg.records import ReferenceFile, SourceFile

SCHEMAS = {
    "source-file.schema.json": SourceFile,
    "reference-file.schema.json": ReferenceFile,
}


def schema_texts() -> dict[str, str]:
    """File name -> JSON Schema text, as it should be committed."""
    texts = {}
    for name, model in SCHEMAS.items():
        schema = model.model_json_schema(by_alias=True)
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["$id"] = f"https://w3id.org/paritykg/schema/{name}"
        texts[name] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return texts


def write_schemas(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Regenerate the committed JSON Schemas."""
    directory.mkdir(exist_ok=True)
    written = []
    for name, text in schema_texts().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
