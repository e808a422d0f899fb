"""Structured intent (shared/design.md §5): what intent analysis produces from an editor
comment or selection, and what generation consumes.

v1 names the behaviour with one catalog key (`operation`); v2 adds `behaviour`, a compositional
expression of typed parts (anrf_lsp/intent/behaviour.py) with `unknown` where a part is not
covered, and `version: 2`. A v1 intent (no `version`) loads unchanged.

Shared by the data builder, the models and the language server, so it has no
heavy imports."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_serializer, model_validator

from anrf_lsp.intent.behaviour import BehaviourNode

IntentType = Literal["create_function", "modify_function", "create_class", "modify_class", "create_module", "out_of_scope"]
TargetKind = Literal["function", "class", "module"]
ConstraintType = Literal["performance", "security", "compatibility", "reliability", "resource", "safety"]
EntityLabel = Literal["NAME", "PARAM", "TYPE", "CONSTRAINT", "VALUE"]  # VALUE: a literal operand ("greater than 10")
UNKNOWN_OPERATION = "unknown"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Target(_Strict):
    kind: TargetKind
    name: str = Field(description="snake_case (CamelCase for classes), from the text when it gives one")


class Parameter(_Strict):
    name: str
    type: str = Field("any", description="int | float | number | str | bool | list[...] | any")


class Entity(_Strict):
    """A labelled span of the input text: `text == input[start:end]` (character offsets)."""

    label: EntityLabel
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str

    @model_validator(mode="after")
    def _ordered(self) -> Entity:
        if self.end < self.start:
            raise ValueError("entity end is before its start")
        return self


class IntentConstraint(_Strict):
    """An ANRF intent-layer constraint (same fields as `intent.constraints[]`)."""

    type: ConstraintType
    description: str
    formal_spec: str = ""


class IntentExample(_Strict):
    """An input/output example the request states (anrf_lsp/intent/examples.py): a test every
    candidate program must pass; `error` instead of values when it could not be read."""

    text: str
    function: str | None = None
    args: list[Any] | None = None
    expected: Any = None
    error: str | None = None


DECLINE_THRESHOLD = 0.5  # a reading less probable than this is not generated: the request is declined, and the user told why


class StructuredIntent(_Strict):
    version: Literal[1, 2] = Field(1, description="1: the behaviour is `operation`; 2: it is `behaviour`")
    intent_type: IntentType
    target: Target | None = None  # None for out_of_scope
    parameters: list[Parameter] = Field(default_factory=list)
    return_type: str = "any"
    operation: str = Field(UNKNOWN_OPERATION, description="behaviour key from the training catalog, or 'unknown'")
    behaviour: BehaviourNode | None = Field(None, description="v2: the behaviour as a tree of typed parts ('unknown' where not covered)")
    uncovered_words: list[str] = Field(default_factory=list, description="v2: words of the request the reading does not account for: "
                                       "for a `behaviour`, words seen in training only for named behaviours; for a named `operation`, "
                                       "words of parts its requests never used ('squares' read as sum_even); generation declines such a reading")
    entities: list[Entity] = Field(default_factory=list)
    constraints: list[IntentConstraint] = Field(default_factory=list)
    description: str = Field(description="the original text")
    confidence: float = Field(1.0, ge=0.0, le=1.0, description="probability that this reading of the request is right: the intent type "
                              "and its behaviour (the operation, or every part of the tree) together")
    examples: list[IntentExample] = Field(default_factory=list, description="input/output examples the request states: the "
                                          "program must pass them (kept in the ANRF's intent.properties.examples)")

    @model_serializer(mode="wrap")
    def _without_empty_examples(self, handler: Any) -> dict[str, Any]:
        data = handler(self)
        if not self.examples:  # intents without examples serialize as before (datasets, stored documents)
            data.pop("examples", None)
        return data

    def examples_property(self) -> str:
        """The examples as the JSON text of `intent.properties["examples"]` ("" when there are none)."""
        import json

        return json.dumps([e.model_dump(mode="json", exclude_none=True) for e in self.examples], ensure_ascii=False) if self.examples else ""

    @model_validator(mode="after")
    def _versioned(self) -> StructuredIntent:
        if self.version == 1 and self.behaviour is not None:
            raise ValueError("a behaviour expression needs version 2")
        if self.version == 1 and self.uncovered_words:
            raise ValueError("uncovered words need version 2")
        return self

    @model_validator(mode="after")
    def _spans_match(self) -> StructuredIntent:
        for e in self.entities:
            if self.description[e.start : e.end] != e.text:
                raise ValueError(f"entity {e.label} [{e.start}:{e.end}] is {self.description[e.start:e.end]!r}, not {e.text!r}")
        return self
