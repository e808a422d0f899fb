"""The generator's tokenizer: byte-level BPE trained on our own prompts and compact programs.

Byte-level, so any text (names in any script, odd model output) encodes and decodes back exactly;
trained on the corpus, so the compact form's keywords, indentation runs and type names are single
tokens and sequences stay short. Runs with `tokenizers` alone (the runtime has no transformers)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from anrf_lsp.program.prompt import BOS, EOS, PAD, SPECIAL_TOKENS

__all__ = ["BOS", "EOS", "PAD", "SPECIAL_TOKENS", "decode", "encode", "save_for_transformers", "train_tokenizer"]


def train_tokenizer(texts: Iterable[str], vocab_size: int = 2048, min_frequency: int = 2) -> Any:
    """A byte-level BPE tokenizer with the special tokens first (ids 0, 1, 2)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(texts, trainer)
    return tokenizer


def encode(tokenizer: Any, text: str) -> list[int]:
    """Token ids of `text` as text: a literal `<s>` in a request is three characters, not the start token
    (special tokens are only ever added by id). The runtime encodes the same way (models/generator.py)."""
    tokenizer.encode_special_tokens = True
    return tokenizer.encode(text, add_special_tokens=False).ids


def decode(tokenizer: Any, ids: list[int]) -> str:
    return tokenizer.decode(ids, skip_special_tokens=True)


def save_for_transformers(tokenizer: Any, directory: str) -> None:
    """Save as a Hugging Face fast tokenizer (what Trainer and the CTranslate2 converter load).
    Needs the `train` extra."""
    from transformers import PreTrainedTokenizerFast

    PreTrainedTokenizerFast(tokenizer_object=tokenizer, bos_token=BOS, eos_token=EOS, pad_token=PAD).save_pretrained(directory)
