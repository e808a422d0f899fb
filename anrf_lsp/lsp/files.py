"""Creating a new file from a server command: through the editor (a WorkspaceEdit, so it is
undoable and shows up as an open buffer) where the client can apply one, else on disk here."""

from __future__ import annotations

import asyncio
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from . import convert


class FileNotCreated(RuntimeError):
    """The editor refused the edit, or the file appeared meanwhile."""


async def create_file(connection: LanguageServer, path: Path, text: str, label: str) -> str:
    """Create `path` with `text`, never over an existing file; returns "workspaceEdit" or "written"."""
    caps = connection.client_capabilities.workspace
    edit_caps = caps.workspace_edit if caps else None
    can_edit = bool(caps and caps.apply_edit and edit_caps and edit_caps.document_changes
                    and types.ResourceOperationKind.Create in (edit_caps.resource_operations or []))
    await asyncio.to_thread(path.parent.mkdir, parents=True, exist_ok=True)
    if not can_edit:
        def write() -> None:
            with open(path, "x", encoding="utf-8") as fh:  # "x": never overwrite
                fh.write(text)

        try:
            await asyncio.to_thread(write)
        except FileExistsError:
            raise FileNotCreated(f"{path} appeared meanwhile") from None
        return "written"
    edit = convert.create_file_edit(path.as_uri(), text)
    result = await connection.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(edit=edit, label=label))
    if not result.applied:
        raise FileNotCreated(f"the editor did not create {path}: {result.failure_reason or 'edit refused'}")
    return "workspaceEdit"
