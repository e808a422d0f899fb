"""The LoRA presets (`codellama-7b`, `starcoder`) on tiny stand-ins for the real checkpoints: the
same code path a user runs on a 7B model on disk (bf16, gradient checkpointing, peft adapters,
merge, CTranslate2 conversion), with a Llama and a GPT-BigCode (StarCoder's architecture) made
here, each with its own tokenizer and special tokens."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("peft")

from tests.conftest import isolated_env, run_anrf


def _save_stand_in(directory: Path, architecture: str) -> None:
    """A randomly initialised checkpoint in Hugging Face format, as a user would have on disk."""
    from transformers import GPTBigCodeConfig, GPTBigCodeForCausalLM, LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    from training.generator_tokenizer import train_tokenizer

    corpus = ["function max_of_list(numbers: list[number]) -> number:\n    return max(numbers)\n", "intent: create_function\nname: x\n---\n"] * 20
    tokenizer = train_tokenizer(corpus, vocab_size=320, min_frequency=1)
    if architecture == "llama":  # Code-Llama style: <s> ... </s>, no pad token
        hf_tokenizer = PreTrainedTokenizerFast(tokenizer_object=tokenizer, bos_token="<s>", eos_token="</s>")
        config = LlamaConfig(vocab_size=tokenizer.get_vocab_size(), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                             num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=1024,
                             bos_token_id=tokenizer.token_to_id("<s>"), eos_token_id=tokenizer.token_to_id("</s>"))
        model = LlamaForCausalLM(config)
    else:  # StarCoder style: one end-of-text token, no separate beginning
        hf_tokenizer = PreTrainedTokenizerFast(tokenizer_object=tokenizer, eos_token="</s>")
        config = GPTBigCodeConfig(vocab_size=tokenizer.get_vocab_size(), n_embd=32, n_layer=2, n_head=2, n_positions=1024,
                                  multi_query=True, bos_token_id=tokenizer.token_to_id("</s>"), eos_token_id=tokenizer.token_to_id("</s>"))
        model = GPTBigCodeForCausalLM(config)
    hf_tokenizer.save_pretrained(directory)
    model.save_pretrained(directory)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("lora")
    env = isolated_env(root)
    run_anrf("data", "build", "--out", str(root / "ds"), "--intent-examples", "20", "--generation-examples", "30", "--compose-examples", "0",
             "--behaviours", "max,sum", cwd=root, env=env, timeout=300, expect_ok=True)
    return root, env, str(root / "ds" / "anrf-v1" / "latest")


@pytest.mark.parametrize(("preset", "architecture", "bos", "eos"), [("codellama-7b", "llama", "<s>", "</s>"), ("starcoder", "gpt_bigcode", "</s>", "</s>")])
def test_lora_preset_fine_tunes_merges_and_converts(workspace, preset, architecture, bos, eos):
    root, env, data = workspace
    base, out = root / f"base-{architecture}", root / f"out-{preset}"
    _save_stand_in(base, architecture)
    result = run_anrf("train", "generator", "--data", data, "--out", str(out), "--preset", preset, "--base", str(base), "--max-steps", "2",
                      "--batch-size", "2", "--eval-limit", "2", "--hypotheses", "1", "--no-progress", "--no-mlflow",
                      cwd=root, env=env, timeout=600, expect_ok=True)
    assert "test: validity" in result.stdout
    assert (out / "generator" / "model.bin").is_file() and (out / "torch" / "adapter" / "adapter_config.json").is_file()
    adapter = json.loads((out / "torch" / "adapter" / "adapter_config.json").read_text())
    assert adapter["r"] == 16 and adapter["peft_type"] == "LORA"
    config = json.loads((out / "generator.json").read_text())
    assert (config["preset"], config["bos"], config["eos"], config["pad"]) == (preset, bos, eos, eos)  # no pad token: pad with eos
    summary = json.loads((out / "training.json").read_text())
    assert 0 < summary["trainable_parameters"] < summary["parameters"]
    card = (out / "MODEL_CARD.md").read_text()
    assert f"fine-tuned with LoRA (preset `{preset}`" in card and f"--base {base}" in card
    # the runtime loads it with ctranslate2 + tokenizers and decodes with the checkpoint's own end token
    from models.generator import GeneratorModel
    from models.intent import IntentModel

    model = GeneratorModel(out, device="cpu")
    assert (model.bos, model.eos) == (bos, eos)
    decoded = model.decode(IntentModel().analyze("Write a function that returns the largest number in a list"), max_tokens=8)
    assert len(decoded) == 1 and len(decoded[0][1]) <= 9


def test_lora_preset_needs_a_local_checkpoint(workspace, tmp_path):
    root, env, data = workspace
    missing = run_anrf("train", "generator", "--data", data, "--out", str(tmp_path / "o"), "--preset", "codellama-7b",
                       cwd=root, env=env, expect_ok=False)
    assert missing.returncode == 2 and "give its directory with --base" in missing.stderr
    not_a_checkpoint = run_anrf("train", "generator", "--data", data, "--out", str(tmp_path / "o"), "--preset", "starcoder",
                                "--base", str(tmp_path), cwd=root, env=env, expect_ok=False)
    assert not_a_checkpoint.returncode == 2 and "not a Hugging Face checkpoint directory" in not_a_checkpoint.stderr
    unknown = run_anrf("train", "generator", "--data", data, "--out", str(tmp_path / "o"), "--preset", "gpt-9",
                       cwd=root, env=env, expect_ok=False)
    assert unknown.returncode == 2 and "unknown preset 'gpt-9'" in unknown.stderr
