"""ANRF v1 data model (pydantic v2), faithful to the public protobuf definition.

Every field has a default, as in proto3, so a document written by another tool
with default values omitted still loads. Which fields are *required* (present and
non-empty) is the business of the ANRF101 check, driven by `REQUIRED_FIELDS`.
Unknown fields are kept (`extra="allow"`) so documents round-trip losslessly.
Validation is strict: no silent coercion of `1` into `"1"`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

SUPPORTED_VERSION = "v1"

IntentType = Literal["function", "class", "module"]
ConstraintType = Literal["performance", "security", "compatibility", "reliability", "resource", "safety"]
NodeType = Literal["function", "parameter", "variable", "expression", "control_flow", "type_def", "module", "class"]
EdgeType = Literal[
    "calls", "contains", "depends_on", "inherits", "references", "defines", "has_parameter", "has_member", "declares"
]
TypeKind = Literal["primitive", "array", "struct", "function", "union", "generic", "reference", "nullable"]
ExecutionFormat = Literal["graph", "bytecode", "ir"]
ExecEdgeType = Literal["control_flow", "true_branch", "false_branch", "loop_body", "data_flow"]

# string -> string in the protobuf schema; other JSON values are accepted (and warned about)
# so documents from looser tools load. Editors see the strict form.
PropertyMap = Annotated[
    dict[str, Any],
    WithJsonSchema({"type": "object", "additionalProperties": {"type": "string"}}),
]
IdList = list[str]


class AnrfModel(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True, validate_default=False)


def _required(*names: str) -> dict[str, Any]:
    return {"json_schema_extra": {"required": list(names)}}


class Constraint(AnrfModel):
    model_config = ConfigDict(**_required("type", "description"))
    type: ConstraintType | None = None
    description: str = ""
    formal_spec: str = ""


class IntentLayer(AnrfModel):
    model_config = ConfigDict(**_required("intent_type", "description"))
    intent_type: IntentType | None = None
    description: str = ""
    constraints: list[Constraint] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    properties: PropertyMap = Field(default_factory=dict)


class SemanticNode(AnrfModel):
    model_config = ConfigDict(**_required("node_id", "node_type"))
    node_id: str = ""
    node_type: NodeType | None = None
    label: str = ""
    properties: PropertyMap = Field(default_factory=dict)
    execution_refs: IdList = Field(default_factory=list)
    intent_refs: IdList = Field(default_factory=list)


class SemanticEdge(AnrfModel):
    model_config = ConfigDict(**_required("edge_id", "source_id", "target_id", "edge_type"))
    edge_id: str = ""
    source_id: str = ""
    target_id: str = ""
    edge_type: EdgeType | None = None
    properties: PropertyMap = Field(default_factory=dict)


class TypeField(AnrfModel):
    model_config = ConfigDict(**_required("name", "type_id"))
    name: str = ""
    type_id: str = ""
    optional: bool = False
    properties: PropertyMap = Field(default_factory=dict)


class TypeDef(AnrfModel):
    model_config = ConfigDict(**_required("type_id", "name", "type_kind"))
    type_id: str = ""
    name: str = ""
    type_kind: TypeKind | None = None
    fields: list[TypeField] = Field(default_factory=list)
    parent_type: str = ""
    properties: PropertyMap = Field(default_factory=dict)


class SemanticLayer(AnrfModel):
    nodes: list[SemanticNode] = Field(default_factory=list)
    edges: list[SemanticEdge] = Field(default_factory=list)
    types: list[TypeDef] = Field(default_factory=list)
    symbol_table: dict[str, str] = Field(default_factory=dict)


class ExecNode(AnrfModel):
    model_config = ConfigDict(**_required("node_id", "operation"))
    node_id: str = ""
    operation: str = ""
    inputs: IdList = Field(default_factory=list)
    outputs: IdList = Field(default_factory=list)
    properties: PropertyMap = Field(default_factory=dict)


class ExecEdge(AnrfModel):
    model_config = ConfigDict(**_required("edge_id", "source_id", "target_id", "edge_type"))
    edge_id: str = ""
    source_id: str = ""
    target_id: str = ""
    # Not an enum in the public spec; unknown kinds are warned about, not rejected.
    edge_type: str = ""
    properties: PropertyMap = Field(default_factory=dict)


class ExecutionLayer(AnrfModel):
    format: ExecutionFormat = "graph"
    code: str = Field(default="", description="base64-encoded bytes (may be empty)")
    nodes: list[ExecNode] = Field(default_factory=list)
    edges: list[ExecEdge] = Field(default_factory=list)
    properties: PropertyMap = Field(default_factory=dict)


class Anrf(AnrfModel):
    """One ANRF v1 instance."""

    model_config = ConfigDict(
        title="ANRF v1",
        json_schema_extra={"required": ["anrf_id", "version", "intent", "semantic", "execution"]},
    )
    anrf_id: str = ""
    version: str = ""
    intent: IntentLayer = Field(default_factory=IntentLayer)
    semantic: SemanticLayer = Field(default_factory=SemanticLayer)
    execution: ExecutionLayer = Field(default_factory=ExecutionLayer)
    metadata: PropertyMap = Field(default_factory=dict)

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON form: only the fields the source had (or that were set), unknown fields kept."""
        return self.model_dump(mode="json", exclude_unset=True)


# Fields that must be present and non-empty, per model (the ANRF101 check reads this).
REQUIRED_FIELDS: dict[type[AnrfModel], tuple[str, ...]] = {
    model: tuple(model.model_config.get("json_schema_extra", {}).get("required", ()))  # type: ignore[union-attr]
    for model in (Anrf, IntentLayer, Constraint, SemanticNode, SemanticEdge, TypeDef, TypeField, ExecNode, ExecEdge)
}

# Property maps: where the protobuf has map<string, string>.
PROPERTY_MAP_FIELDS = ("properties", "metadata")


def json_schema() -> dict[str, Any]:
    """The published JSON Schema for `*.anrf.json` (editors use the copy in `schema/`)."""
    schema = Anrf.model_json_schema()
    for definition in [schema, *schema.get("$defs", {}).values()]:
        for prop in definition.get("properties", {}).values():
            _drop_null_option(prop)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://anrf-lsp.dev/schema/anrf-v1.schema.json"
    schema["properties"]["version"]["const"] = SUPPORTED_VERSION
    return schema


def _drop_null_option(prop: dict[str, Any]) -> None:
    """`Literal[...] | None = None` is how "required enum" is modelled; editors should see only the enum."""
    options = prop.get("anyOf")
    if options and len(options) == 2 and {"type": "null"} in options:
        other = next(o for o in options if o != {"type": "null"})
        del prop["anyOf"]
        prop.pop("default", None)
        prop.update(other)
