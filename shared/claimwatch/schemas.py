"""JSON Schemas of the event models, generated from pydantic so they cannot disagree."""

from __future__ import annotations

import json
from pathlib import Path

from claimwatch.models import TOPIC_MODELS


def schema_documents() -> dict[str, str]:
    """File name -> schema JSON text, for every topic model."""
    docs = {}
    for topic, model in TOPIC_MODELS.items():
        schema = model.model_json_schema(mode="serialization")
        schema["$id"] = f"https://claimwatch.dev/schemas/{topic}.json"
        docs[f"{topic}.schema.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return docs


def write_schemas(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_documents().items():
        path = out / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
