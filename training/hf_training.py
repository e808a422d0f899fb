"""What the intent and generator fine-tuning pipelines share around Hugging Face `Trainer` and
the CTranslate2 converter: the arguments both runs set alike, the per-evaluation history, the
conversion. Needs the `train` extra (imports are inside the functions)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def common_arguments(config: Any, output_dir: Path) -> dict[str, Any]:
    """TrainingArguments both pipelines use: epochs (or `max_steps` for smoke runs, then evaluating
    and saving at that step), best checkpoint restored at the end, CPU unless a GPU is there,
    seeded, no hub or tracker integrations (MLflow logging is ours)."""
    import torch

    steps = config.max_steps
    by_epoch = steps <= 0
    return {
        "output_dir": str(output_dir),
        "num_train_epochs": config.epochs,
        "max_steps": steps,
        "per_device_train_batch_size": config.batch_size,
        "learning_rate": config.learning_rate,
        "weight_decay": 0.01,
        "eval_strategy": "epoch" if by_epoch else "steps",
        "save_strategy": "epoch" if by_epoch else "steps",
        "logging_strategy": "epoch" if by_epoch else "steps",
        "eval_steps": None if by_epoch else steps,
        "save_steps": None if by_epoch else steps,
        "logging_steps": 500 if by_epoch else max(1, steps),
        "save_total_limit": 2,
        "load_best_model_at_end": True,
        "use_cpu": not torch.cuda.is_available(),
        "seed": config.seed,
        "data_seed": config.seed,
        "report_to": [],
        "disable_tqdm": not config.progress,
        "remove_unused_columns": False,
    }


def history_callback(history: list[dict[str, Any]], on_log: Callable[[dict[str, Any]], None] | None) -> Any:
    """A Trainer callback that appends each evaluation (with epoch and step) to `history` and hands it to `on_log`."""
    from transformers import TrainerCallback

    class History(TrainerCallback):
        def on_evaluate(self, args, state, control, metrics=None, **kwargs):
            entry = {"epoch": state.epoch, "step": state.global_step, **(metrics or {})}
            history.append(entry)
            if on_log:
                on_log(entry)

    return History()


def convert(hf_dir: Path, target: Path, quantization: str = "int8") -> None:
    """Convert a saved Hugging Face model to CTranslate2."""
    from ctranslate2.converters import TransformersConverter

    TransformersConverter(str(hf_dir)).convert(str(target), quantization=quantization, force=True)
    _fill_missing_tokens(target / "config.json")


def _fill_missing_tokens(config_file: Path) -> None:
    """CTranslate2 refuses to load a model whose config has a null bos/unk token (tokenizers
    without them, e.g. StarCoder-style ones with a single end-of-text token): use the end token."""
    import json

    if not config_file.is_file():
        return
    config = json.loads(config_file.read_text(encoding="utf-8"))
    missing = [k for k in ("bos_token", "unk_token") if k in config and config[k] is None]
    if missing and config.get("eos_token"):
        config.update(dict.fromkeys(missing, config["eos_token"]))
        config_file.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
