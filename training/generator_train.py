"""Train the generator: a causal LM that writes the compact program after the intent prompt.

Preset `default` trains a small Llama-architecture model from scratch with a byte-level BPE
tokenizer trained on the corpus (fits CPU training). Presets `codellama-7b` and `starcoder`
fine-tune a pretrained checkpoint the user has on disk (`base`) with LoRA adapters (peft) in
bf16 with gradient checkpointing, then merge the adapters. Both paths share the data, the
Trainer and the conversion, and run multi-GPU under `accelerate launch` unchanged (Trainer
reads the distributed environment; only the main process saves and converts). The loss covers
the program tokens only. The result is converted to CTranslate2 so the runtime needs
ctranslate2 + tokenizers only.

Needs the `train` extra."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from anrf_lsp.intent.schema import StructuredIntent
from anrf_lsp.program.prompt import prompt
from training import storage
from training.configs import GeneratorTrainConfig
from training.generator_tokenizer import BOS, EOS, PAD, encode, save_for_transformers, train_tokenizer
from training.hf_training import common_arguments, convert, history_callback

TORCH_DIR = "torch"
IGNORE = -100

# name -> Llama config overrides; `default` is small enough to train on 2 CPU cores, `large` (about 27M
# parameters, 26 MiB in int8) is for a GPU host, where it trains in minutes.
PRESETS: dict[str, dict[str, Any]] = {
    "default": {"hidden_size": 256, "intermediate_size": 704, "num_hidden_layers": 4, "num_attention_heads": 4, "num_key_value_heads": 4},
    "large": {"hidden_size": 512, "intermediate_size": 1408, "num_hidden_layers": 8, "num_attention_heads": 8, "num_key_value_heads": 8},
    "tiny": {"hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 2, "num_key_value_heads": 2},
}

# name -> LoRA settings for fine-tuning a local pretrained checkpoint (`--base PATH`). "all-linear"
# adapts every linear layer but the output head, whatever the architecture names them (Llama's
# q_proj/..., StarCoder's c_attn/c_fc/...), so one code path serves both families.
LORA_PRESETS: dict[str, dict[str, Any]] = {
    "codellama-7b": {"r": 16, "lora_alpha": 32, "lora_dropout": 0.05, "learning_rate": 2e-4},
    "starcoder": {"r": 16, "lora_alpha": 32, "lora_dropout": 0.05, "learning_rate": 2e-4},
}
ALL_PRESETS = (*PRESETS, *LORA_PRESETS)


@dataclass
class SpecialTokens:
    """The tokens a prompt starts with, a program ends with and batches are padded with."""

    bos: str = BOS
    eos: str = EOS
    pad: str = PAD


def trained_on(records: list[dict[str, Any]]) -> dict[str, Any]:
    """The named behaviours and, when there are compositions, the parts the training pairs hold:
    generation declines what is outside them (anrf_lsp/pipeline.py refusal). And each named
    behaviour's usual function name and parameter names (`defaults`), which the runtime prompts with
    instead of the user's (models/generator.py `canonical`)."""
    from collections import Counter

    intents = [StructuredIntent.model_validate(r["intent"]) for r in records]
    out: dict[str, Any] = {"operations": sorted({i.operation for i in intents if i.behaviour is None})}
    names: dict[str, Counter] = {}
    for i in intents:
        if i.behaviour is None and i.target is not None and i.target.kind == "function":
            names.setdefault(i.operation, Counter())[(i.target.name, tuple(p.name for p in i.parameters))] += 1
    out["defaults"] = {op: {"name": name, "params": list(params)}
                       for op, counts in sorted(names.items()) for (name, params), _ in [min(counts.items(), key=lambda kv: (-kv[1], kv[0]))]}
    parts = {p for i in intents if i.behaviour is not None for p in i.behaviour.parts()}
    if parts:
        out["parts"] = sorted(parts)
    return out


def target_text(record: dict[str, Any]) -> str:
    """The compact program the model must write for a generation record."""
    from anrf_lsp.program.compact import to_compact

    return to_compact(record["anrf"])


def pair_texts(records: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(prompt, compact program) per record; records whose ANRF has no compact form (e.g. a
    parameter renamed onto a loop variable's name) are left out and counted by the caller."""
    from anrf_lsp.program.compact import CompactError

    pairs = []
    for r in records:
        try:
            pairs.append((prompt(StructuredIntent.model_validate(r["intent"])), target_text(r)))
        except CompactError:
            continue
    return pairs


def features(pairs: list[tuple[str, str]], tokenizer: Any, max_length: int, specials: SpecialTokens | None = None) -> list[dict[str, list[int]]]:
    """input_ids = <s> prompt program </s>; labels mask the prompt (the model is not taught to write it)."""
    specials = specials or SpecialTokens()
    bos, eos = tokenizer.token_to_id(specials.bos), tokenizer.token_to_id(specials.eos)
    out = []
    for prompt_text, program in pairs:
        head, body = [bos, *encode(tokenizer, prompt_text)], [*encode(tokenizer, program), eos]
        if len(head) + len(body) <= max_length:
            out.append({"input_ids": head + body, "labels": [IGNORE] * len(head) + body})
    return out


def collate_for(pad_id: int) -> Callable[[list[dict[str, list[int]]]], dict[str, Any]]:
    def collate(batch: list[dict[str, list[int]]]) -> dict[str, Any]:
        import torch

        width = max(len(f["input_ids"]) for f in batch)
        ids = [f["input_ids"] + [pad_id] * (width - len(f["input_ids"])) for f in batch]
        labels = [f["labels"] + [IGNORE] * (width - len(f["labels"])) for f in batch]
        mask = [[1] * len(f["input_ids"]) + [0] * (width - len(f["input_ids"])) for f in batch]
        return {"input_ids": torch.tensor(ids), "labels": torch.tensor(labels), "attention_mask": torch.tensor(mask)}

    return collate


def build_model(preset: str, vocab_size: int, max_length: int, tokenizer: Any) -> Any:
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(
        vocab_size=vocab_size, max_position_embeddings=max_length, tie_word_embeddings=False, rms_norm_eps=1e-5,
        bos_token_id=tokenizer.token_to_id(BOS), eos_token_id=tokenizer.token_to_id(EOS), pad_token_id=tokenizer.token_to_id(PAD),
        **PRESETS[preset],
    )
    return LlamaForCausalLM(config)


def base_tokenizer(base: str) -> tuple[Any, SpecialTokens]:
    """The checkpoint's own fast tokenizer (as a `tokenizers.Tokenizer`, what the runtime loads)
    and its special tokens; models without a pad token pad with end-of-sequence."""
    from transformers import AutoTokenizer

    hf = AutoTokenizer.from_pretrained(base)
    if not getattr(hf, "is_fast", False):
        raise ValueError(f"{base}: the checkpoint needs a fast tokenizer (tokenizer.json) for the CTranslate2 runtime")
    eos = hf.eos_token
    bos = hf.bos_token or eos
    if not eos:
        raise ValueError(f"{base}: the tokenizer has no end-of-sequence token")
    return hf.backend_tokenizer, SpecialTokens(bos=bos, eos=eos, pad=hf.pad_token or eos)


def build_lora_model(config: GeneratorTrainConfig) -> Any:
    """The base checkpoint in bf16 with gradient checkpointing, wrapped in LoRA adapters."""
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM

    settings = LORA_PRESETS[config.preset]
    model = AutoModelForCausalLM.from_pretrained(config.base, dtype=torch.bfloat16)
    model.config.use_cache = False  # incompatible with gradient checkpointing
    model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    model.enable_input_require_grads()
    lora = LoraConfig(r=settings["r"], lora_alpha=settings["lora_alpha"], lora_dropout=settings["lora_dropout"],
                      target_modules="all-linear", task_type="CAUSAL_LM")
    return get_peft_model(model, lora)


def check_preset(config: GeneratorTrainConfig) -> None:
    if config.preset not in ALL_PRESETS:
        raise ValueError(f"unknown preset {config.preset!r}; choose from {', '.join(ALL_PRESETS)}")
    if config.preset in LORA_PRESETS:
        if not config.base:
            raise ValueError(f"preset {config.preset!r} fine-tunes a local checkpoint: give its directory with --base")
        if not (Path(config.base) / "config.json").is_file():
            raise ValueError(f"--base {config.base}: not a Hugging Face checkpoint directory (no config.json)")


def train(config: GeneratorTrainConfig, on_log: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """Train, save the HF model + tokenizer under out/torch, convert to CTranslate2 int8 in out/.
    Under `accelerate launch` every process trains; only the main one saves and converts
    (`summary["main_process"]` says which this is)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    check_preset(config)
    from transformers import EarlyStoppingCallback, Trainer, TrainingArguments, set_seed

    set_seed(config.seed)
    lora = config.preset in LORA_PRESETS
    data_dir = storage.resolve_version(config.data, config.data_root)
    out = Path(config.out)
    hf_dir = out / TORCH_DIR / "model"
    hf_dir.mkdir(parents=True, exist_ok=True)

    train_records = storage.read_jsonl(data_dir, "generation_train.jsonl", config.train_limit)
    train_pairs = pair_texts(train_records)
    valid_pairs = pair_texts(storage.read_jsonl(data_dir, "generation_validation.jsonl", config.eval_limit))
    tokenizer_file = out / "tokenizer.json"
    specials = SpecialTokens()
    if lora:
        tokenizer, specials = base_tokenizer(str(config.base))
        tokenizer.save(str(tokenizer_file))
    elif config.resume and tokenizer_file.is_file():  # checkpoints were trained with this tokenizer
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(tokenizer_file))
    else:
        tokenizer = train_tokenizer((p + t for p, t in train_pairs), vocab_size=config.vocab_size)
        tokenizer.save(str(tokenizer_file))  # before training: checkpoints are useless without it
    train_set = features(train_pairs, tokenizer, config.max_length, specials)
    valid_set = features(valid_pairs, tokenizer, config.max_length, specials)
    model = build_lora_model(config) if lora else build_model(config.preset, tokenizer.get_vocab_size(), config.max_length, tokenizer)
    learning_rate = config.learning_rate or (LORA_PRESETS[config.preset]["learning_rate"] if lora else 1e-3)
    args = TrainingArguments(
        **common_arguments(replace(config, learning_rate=learning_rate), out / TORCH_DIR / "checkpoints"),
        per_device_eval_batch_size=32 if not lora else config.batch_size,
        gradient_accumulation_steps=config.gradient_accumulation,
        lr_scheduler_type="cosine",
        warmup_steps=0.05,
        metric_for_best_model="eval_loss",
        greater_is_better=False,
        bf16=lora,
        ddp_find_unused_parameters=False if lora else None,
    )
    history: list[dict[str, Any]] = []

    trainer = Trainer(model=model, args=args, train_dataset=train_set, eval_dataset=valid_set,
                      data_collator=collate_for(tokenizer.token_to_id(specials.pad)), callbacks=[EarlyStoppingCallback(config.patience), history_callback(history, on_log)])
    trainer.train(resume_from_checkpoint=config.resume or None)
    earlier = [e for e in trainer.state.log_history if "eval_loss" in e][: -len(history) or None]
    if earlier and on_log:  # evaluations of the run a resume continued: log them too
        for entry in earlier:
            on_log(entry)
    history = earlier + history
    summary = {"data": data_dir, "history": history, "config": asdict(config), "train_pairs": len(train_set), "train_records_without_compact_form": len(train_records) - len(train_pairs),
               "train_pairs_too_long": len(train_pairs) - len(train_set), "parameters": sum(p.numel() for p in model.parameters()),
               "main_process": trainer.is_world_process_zero()}
    if not summary["main_process"]:
        return summary
    if lora:
        summary["trainable_parameters"] = sum(p.numel() for p in model.parameters() if p.requires_grad)
        model.save_pretrained(out / TORCH_DIR / "adapter")  # the LoRA weights alone (small), for reuse
        model = model.merge_and_unload()
        model.config.use_cache = True
        model.save_pretrained(hf_dir)
        from transformers import AutoTokenizer

        AutoTokenizer.from_pretrained(str(config.base)).save_pretrained(str(hf_dir))
    else:
        model.save_pretrained(hf_dir)
        save_for_transformers(tokenizer, str(hf_dir))
    convert(hf_dir, out / "generator", "int8")
    generator_config = {"format": "anrf-generator-v1", "max_length": config.max_length, "preset": config.preset, **asdict(specials),
                        **trained_on(train_records)}  # what it can be asked for
    (out / "generator.json").write_text(json.dumps(generator_config, indent=2) + "\n")
    (out / "training.json").write_text(json.dumps(summary, indent=2, default=str) + "\n")
    return summary
