"""ANRF v1 storage form: protobuf binary (`.anrf`) <-> the JSON form as a plain dict.

JSON -> protobuf -> JSON is lossless for any JSON object, valid ANRF or not, because each
message keeps what its public fields cannot carry (see anrf_v1.proto):
- `extra_json`: unknown keys, and known keys whose JSON value has another type than the field
  (a property map with any non-string value goes there whole, so its key order survives too;
  `execution.code` that is not canonical base64 stays the text it was);
- `absent_fields`: the public fields the JSON object left out.
A message written by another tool has neither, so every public field comes back with its
default ("" / [] / {} / false), the way examples/valid/*.anrf.json spell them out.
Known keys come back in the order of the JSON form (anrf_id, version, intent, semantic,
execution, metadata; within a message the order of the .proto), then unknown keys; entries of
a map<string, string> come back sorted by key (protobuf maps keep no order).

Regenerate anrf_v1_pb2.py after editing anrf_v1.proto, from the repository root. grpcio-tools
1.64.3 bundles protoc 26.1, whose output runs on protobuf >= 5.26.1 (newer protoc output
demands a runtime at least as new as itself); install it beside the venv, not in it:
    python -m pip install --target /tmp/protoc grpcio-tools==1.64.3
    PYTHONPATH=/tmp/protoc python -m grpc_tools.protoc -I . --python_out=. anrf_lsp/format/anrf_v1.proto
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import DecodeError, Message

from anrf_lsp.format.anrf_v1_pb2 import ANRF

_BOOKKEEPING = ("extra_json", "absent_fields")


class ProtobufFormatError(ValueError):
    """Bytes that are not an ANRF v1 message."""


def to_protobuf(document: dict[str, Any]) -> bytes:
    """Serialize the JSON form; deterministic, so equal documents give equal bytes."""
    message = ANRF()
    _encode(message, document)
    return message.SerializeToString(deterministic=True)


def from_protobuf(data: bytes) -> dict[str, Any]:
    """Parse `.anrf` bytes back into the JSON form; ProtobufFormatError for anything else."""
    if not data:
        raise ProtobufFormatError("not an ANRF message: no data")
    message = ANRF()
    try:
        message.ParseFromString(data)
    except DecodeError as exc:
        raise ProtobufFormatError(f"not an ANRF message: {exc}") from exc
    size = message.ByteSize()
    # Random bytes often parse as fields of numbers no ANRF message has; refuse them.
    message.DiscardUnknownFields()
    if message.ByteSize() != size:
        raise ProtobufFormatError("not an ANRF message: it has fields ANRF v1 does not define")
    return _decode(message)


def _public_fields(message: Message) -> list[FieldDescriptor]:
    return [f for f in message.DESCRIPTOR.fields if f.name not in _BOOKKEEPING]


def _encode(message: Message, obj: dict[str, Any]) -> None:
    fields = {f.name: f for f in _public_fields(message)}
    extra = {}
    for key, value in obj.items():
        if key not in fields or not _store(message, fields[key], value):
            extra[key] = value
    message.absent_fields.extend(name for name in fields if name not in obj)
    if extra:
        # ensure_ascii keeps lone surrogates (legal in JSON text) representable.
        message.extra_json = json.dumps(extra, separators=(",", ":"))


def _store(message: Message, field: FieldDescriptor, value: Any) -> bool:
    """Put `value` into the public field when it fits its type exactly; False when it does not."""
    name = field.name
    if _is_map(field):
        if not (isinstance(value, dict) and all(_is_text(k) and _is_text(v) for k, v in value.items())):
            return False
        getattr(message, name).update(value)
    elif field.type == FieldDescriptor.TYPE_MESSAGE and _is_repeated(field):
        if not (isinstance(value, list) and all(isinstance(item, dict) for item in value)):
            return False
        for item in value:
            _encode(getattr(message, name).add(), item)
    elif field.type == FieldDescriptor.TYPE_MESSAGE:
        if not isinstance(value, dict):
            return False
        _encode(getattr(message, name), value)
    elif _is_repeated(field):
        if not (isinstance(value, list) and all(_is_text(item) for item in value)):
            return False
        getattr(message, name).extend(value)
    elif field.type == FieldDescriptor.TYPE_BYTES:
        raw = _canonical_base64(value)
        if raw is None:
            return False
        setattr(message, name, raw)
    elif field.type == FieldDescriptor.TYPE_BOOL:
        if not isinstance(value, bool):
            return False
        setattr(message, name, value)
    else:
        if not _is_text(value):
            return False
        setattr(message, name, value)
    return True


def _decode(message: Message) -> dict[str, Any]:
    extra = _extra(message)
    absent = set(message.absent_fields)
    out: dict[str, Any] = {}
    for field in _public_fields(message):
        if field.name in extra:
            out[field.name] = extra.pop(field.name)
        elif field.name not in absent:
            out[field.name] = _load(getattr(message, field.name), field)
    out.update(extra)
    return out


def _load(value: Any, field: FieldDescriptor) -> Any:
    if _is_map(field):
        return dict(sorted(value.items()))
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        return [_decode(item) for item in value] if _is_repeated(field) else _decode(value)
    if _is_repeated(field):
        return list(value)
    if field.type == FieldDescriptor.TYPE_BYTES:
        return base64.b64encode(value).decode("ascii")
    return value


def _extra(message: Message) -> dict[str, Any]:
    if not message.extra_json:
        return {}
    try:
        extra = json.loads(message.extra_json)
    except (ValueError, RecursionError) as exc:
        raise ProtobufFormatError(f"not an ANRF message: {message.DESCRIPTOR.name}.extra_json is not JSON") from exc
    if not isinstance(extra, dict):
        raise ProtobufFormatError(f"not an ANRF message: {message.DESCRIPTOR.name}.extra_json is not a JSON object")
    return extra


def _is_map(field: FieldDescriptor) -> bool:
    return field.type == FieldDescriptor.TYPE_MESSAGE and field.message_type.GetOptions().map_entry


def _is_repeated(field: FieldDescriptor) -> bool:
    # protobuf 7 dropped `label` for `is_repeated`, which 5.x does not have yet.
    if hasattr(field, "is_repeated"):
        return field.is_repeated
    return field.label == FieldDescriptor.LABEL_REPEATED


def _is_text(value: Any) -> bool:
    """A str protobuf can store: JSON allows lone surrogates, UTF-8 does not."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _canonical_base64(value: Any) -> bytes | None:
    """The bytes behind `value` when re-encoding them gives back exactly `value`, else None."""
    if not isinstance(value, str):
        return None
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if base64.b64encode(raw).decode("ascii") == value else None
