"""Initial metadata schema: contexts, intents, anrfs, generations, verifications, executions, feedback.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _id() -> sa.Column:
    return sa.Column("id", sa.String(length=36), nullable=False)


def _created_at() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


def upgrade() -> None:
    op.create_table(
        "contexts",
        _id(),
        sa.Column("module", sa.Text(), nullable=True),
        sa.Column("function", sa.Text(), nullable=True),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contexts")),
    )
    op.create_table(
        "intents",
        _id(),
        sa.Column("context_id", sa.String(length=36), nullable=True),
        sa.Column("input_text", sa.Text(), nullable=False),
        sa.Column("structured_intent", sa.JSON(), nullable=False),
        _created_at(),
        sa.ForeignKeyConstraint(["context_id"], ["contexts.id"], name=op.f("fk_intents_context_id_contexts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intents")),
    )
    op.create_index(op.f("ix_intents_context_id"), "intents", ["context_id"])
    op.create_table(
        "anrfs",
        sa.Column("anrf_id", sa.String(length=255), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("anrf_id", "version", name=op.f("pk_anrfs")),
    )
    op.create_table(
        "generations",
        _id(),
        sa.Column("analysis_id", sa.String(length=36), nullable=True),
        sa.Column("anrf_id", sa.String(length=255), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("accepted", sa.Boolean(), nullable=True),
        sa.Column("model", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        _created_at(),
        sa.ForeignKeyConstraint(["analysis_id"], ["intents.id"], name=op.f("fk_generations_analysis_id_intents")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_generations")),
    )
    op.create_index(op.f("ix_generations_analysis_id"), "generations", ["analysis_id"])
    op.create_index(op.f("ix_generations_anrf_id"), "generations", ["anrf_id"])
    op.create_table(
        "verifications",
        _id(),
        sa.Column("anrf_id", sa.String(length=255), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("checks", sa.JSON(), nullable=False),
        sa.Column("results", sa.JSON(), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verifications")),
    )
    op.create_index(op.f("ix_verifications_anrf_id"), "verifications", ["anrf_id"])
    op.create_table(
        "executions",
        _id(),
        sa.Column("anrf_id", sa.String(length=255), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("output", sa.JSON(), nullable=False),  # a JSON null when the function returned nothing
        sa.Column("logs", sa.JSON(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_executions")),
    )
    op.create_index(op.f("ix_executions_anrf_id"), "executions", ["anrf_id"])
    op.create_table(
        "feedback",
        _id(),
        sa.Column("generation_id", sa.String(length=36), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("corrected_anrf", sa.JSON(none_as_null=True), nullable=True),
        _created_at(),
        sa.ForeignKeyConstraint(["generation_id"], ["generations.id"], name=op.f("fk_feedback_generation_id_generations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
    )
    op.create_index(op.f("ix_feedback_generation_id"), "feedback", ["generation_id"])


def downgrade() -> None:
    for table in ("feedback", "executions", "verifications", "generations", "anrfs", "intents", "contexts"):
        op.drop_table(table)  # indexes go with their table
