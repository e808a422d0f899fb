"""The generator's prompt: a structured intent as short, canonical lines the model conditions on.

Shared by training (prompt + compact target pairs) and the runtime (prompt only), so one intent
always gives one prompt text. Fields are in a fixed order; the free-text description goes last and
is cut, because the operation key (v1) or the behaviour tree (v2) and the signature carry most of
what the program must do."""

from __future__ import annotations

from anrf_lsp.intent.schema import StructuredIntent

# The generator tokenizer's special tokens (ids 0, 1, 2 of every tokenizer we train; a LoRA model keeps its own).
PAD, BOS, EOS = "<pad>", "<s>", "</s>"
SPECIAL_TOKENS = (PAD, BOS, EOS)
PROGRAM_MARKER = "---"  # the model writes the compact program after this line
DESCRIPTION_CHARS = 160


def prompt(intent: StructuredIntent) -> str:
    """The prompt text for `intent` (ends with the marker line and a newline)."""
    if intent.target is None:
        raise ValueError("an out_of_scope intent has nothing to generate")
    lines = [f"intent: {intent.intent_type}", f"name: {intent.target.name}"]
    if intent.target.kind == "function":
        lines.append("params: " + ", ".join(f"{p.name}: {p.type}" for p in intent.parameters))
        lines.append(f"returns: {intent.return_type}")
    if intent.behaviour is not None:  # structured intent v2: the composition of parts, not a catalog key
        lines.append(f"behaviour: {intent.behaviour.text()}")
    else:
        lines.append(f"operation: {intent.operation}")
    if intent.constraints:
        lines.append("constraints: " + "; ".join(f"{c.type} {c.formal_spec or c.description}" for c in intent.constraints))
    description = " ".join(intent.description.split())[:DESCRIPTION_CHARS]
    lines += [f"description: {description}", PROGRAM_MARKER, ""]
    return "\n".join(lines)


def split_output(text: str) -> str:
    """The program part of a model output that may echo the prompt (everything after the marker)."""
    marker = f"\n{PROGRAM_MARKER}\n"
    return text.split(marker, 1)[1] if marker in text else text
