"""The data behind the KV-cache estimate (``caching/kv-cache-pressure``): model shapes
(``rules/models/*.yaml``, each cited to the model's own config.json), GPUs and the node
labels naming them (``rules/gpus.yaml``), bytes per dtype and per quantized weight
(``rules/kvcache.yaml``). Each file is validated against its schema on load."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .catalog import default_rules_dir, load_rule_file

GIB = 1 << 30


@dataclass(frozen=True)
class ModelShape:
    """One model's config.json values the estimate reads, with their source and data file."""

    id: str
    source: str
    file: str
    hidden_size: int
    intermediate_size: int
    layers: int
    heads: int
    kv_heads: int
    head_dim: int
    experts: int
    vocab_size: int
    max_position_embeddings: int
    tied_embeddings: bool
    torch_dtype: str

    @property
    def parameters(self) -> int:
        """Parameters estimated from the shapes: embeddings (and an untied output head),
        attention projections and gated MLPs (every expert); biases and norms are left out."""
        hidden, attention = self.hidden_size, self.heads * self.head_dim
        kv = self.kv_heads * self.head_dim
        per_layer = 2 * hidden * attention + 2 * hidden * kv + 3 * hidden * self.intermediate_size * self.experts
        if self.experts > 1:
            per_layer += hidden * self.experts  # the router
        embeddings = self.vocab_size * hidden * (1 if self.tied_embeddings else 2)
        return embeddings + self.layers * per_layer


@dataclass(frozen=True)
class Gpu:
    id: str
    name: str
    memory_gib: float
    label_values: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class Precision:
    dtype_bytes: dict[str, float]
    dtype_source: str
    quantization_bytes: dict[str, float]
    quantization_source: str
    batch_fraction: float
    batch_fraction_note: str


@lru_cache(maxsize=1)
def model_shapes() -> tuple[ModelShape, ...]:
    out: list[ModelShape] = []
    for path in sorted((default_rules_dir() / "models").glob("*.yaml")):
        for entry in load_rule_file(path, "rules-models.schema.json")["models"]:
            out.append(_shape(entry, f"rules/models/{path.name}"))
    return tuple(out)


def _shape(entry: dict[str, Any], file: str) -> ModelShape:
    heads = entry["num_attention_heads"]
    return ModelShape(
        id=entry["id"], source=entry["source"], file=file, hidden_size=entry["hidden_size"],
        intermediate_size=entry["intermediate_size"], layers=entry["num_hidden_layers"], heads=heads,
        kv_heads=entry["num_key_value_heads"], head_dim=entry.get("head_dim", entry["hidden_size"] // heads),
        experts=entry.get("num_local_experts", 1), vocab_size=entry["vocab_size"],
        max_position_embeddings=entry["max_position_embeddings"], tied_embeddings=entry["tie_word_embeddings"],
        torch_dtype=entry["torch_dtype"],
    )


@lru_cache(maxsize=1)
def _gpu_data() -> dict[str, Any]:
    return load_rule_file(default_rules_dir() / "gpus.yaml", "rules-gpus.schema.json")


def gpus() -> tuple[Gpu, ...]:
    return tuple(Gpu(g["id"], g["name"], g["memory_gib"], tuple(g["label_values"]), g["source"])
                 for g in _gpu_data()["gpus"])


def gpu_label_keys() -> tuple[str, ...]:
    return tuple(entry["key"] for entry in _gpu_data()["label_keys"])


@lru_cache(maxsize=1)
def precision() -> Precision:
    data = load_rule_file(default_rules_dir() / "kvcache.yaml", "rules-kvcache.schema.json")
    return Precision(dict(data["dtype_bytes"]), data["dtype_source"], dict(data["quantization_bytes"]),
                     data["quantization_source"], data["batch_fraction"], data["batch_fraction_note"])


def find_model(name: str) -> ModelShape | None:
    """The model a server flag names: its Hugging Face id (any case), or a local path whose
    last part is the repository's name (``/models/Mistral-7B-Instruct-v0.3``)."""
    wanted = name.strip().strip("'\"").rstrip("/")
    for shape in model_shapes():
        if wanted.lower() == shape.id.lower():
            return shape
    base = posixpath.basename(wanted).lower()
    matches = [s for s in model_shapes() if s.id.split("/", 1)[1].lower() == base]
    return matches[0] if len(matches) == 1 else None


def gpu_from_labels(selector: tuple[tuple[str, str], ...]) -> tuple[Gpu, str] | None:
    """The GPU a node selector names, with the ``key=value`` that named it."""
    keys = gpu_label_keys()
    for key, value in selector:
        if key not in keys:
            continue
        for gpu in gpus():
            if value.strip().lower() in gpu.label_values:
                return gpu, f"{key}={value}"
    return None
