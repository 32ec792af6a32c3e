"""Initial schema: projects, tokens, runs, devices, samples, windows, requests, upload batches.

Revision ID: r0001
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "r0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "projects",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.String(2000), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_projects"),
        sa.UniqueConstraint("name", name="uq_projects_name"),
    )
    op.create_table(
        "api_tokens",
        sa.Column("token_id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("secret_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("revoked_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("token_id", name="pk_api_tokens"),
    )
    op.create_table(
        "runs",
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("started_at", sa.Float(), nullable=False),
        sa.Column("ended_at", sa.Float(), nullable=True),
        sa.Column("exit_code", sa.Integer(), nullable=True),
        sa.Column("location", sa.String(64), nullable=False),
        sa.Column("hz", sa.Float(), nullable=False),
        sa.Column("command", sa.String(2000), nullable=False),
        sa.Column("job_id", sa.String(200), nullable=False),
        sa.Column("method_version", sa.String(64), nullable=False),
        sa.Column("data_version", sa.String(64), nullable=False),
        sa.Column("carbon_g_per_it_kwh", sa.Float(), nullable=False),
        sa.Column("water_l_per_it_kwh", sa.Float(), nullable=False),
        sa.Column("facility_kwh_per_it_kwh", sa.Float(), nullable=False),
        sa.Column("site_json", sa.Text(), nullable=False),
        sa.Column("summary_json", sa.Text(), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", name="pk_runs"),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name="fk_runs_project_id_projects"),
    )
    op.create_index("ix_runs_host", "runs", ["host"])
    op.create_index("ix_runs_started_at", "runs", ["started_at"])
    op.create_index("ix_runs_project_started", "runs", ["project_id", "started_at"])
    op.create_table(
        "run_devices",
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("device", sa.String(100), nullable=False),
        sa.Column("component", sa.String(16), nullable=False),
        sa.Column("physical_id", sa.String(200), nullable=False),
        sa.Column("method", sa.String(100), nullable=False),
        sa.Column("estimated", sa.Boolean(), nullable=False),
        sa.Column("owned", sa.Boolean(), nullable=False),
        sa.Column("energy_j", sa.Float(), nullable=False),
        sa.Column("last_t_s", sa.Float(), nullable=False),
        sa.Column("last_power_w", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("run_id", "device", name="pk_run_devices"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.run_id"], name="fk_run_devices_run_id_runs"),
    )
    op.create_table(
        "samples",
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("device", sa.String(100), nullable=False),
        sa.Column("t_s", sa.Float(), nullable=False),
        sa.Column("energy_j", sa.Float(), nullable=True),
        sa.Column("power_w", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("run_id", "device", "t_s", name="pk_samples"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.run_id"], name="fk_samples_run_id_runs"),
    )
    op.create_table(
        "windows",
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("start_s", sa.Float(), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("energy_j", sa.Float(), nullable=False),
        sa.Column("measurement_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "name", "start_s", name="pk_windows"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.run_id"], name="fk_windows_run_id_runs"),
    )
    op.create_table(
        "requests",
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("request_id", sa.String(200), nullable=False),
        sa.Column("start_s", sa.Float(), nullable=False),
        sa.Column("end_s", sa.Float(), nullable=False),
        sa.Column("prefill_tokens", sa.Integer(), nullable=False),
        sa.Column("decode_tokens", sa.Integer(), nullable=False),
        sa.Column("energy_j", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "request_id", name="pk_requests"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.run_id"], name="fk_requests_run_id_runs"),
    )
    op.create_table(
        "upload_batches",
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("batch_id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "batch_id", name="pk_upload_batches"),
        sa.ForeignKeyConstraint(["run_id"], ["runs.run_id"], name="fk_upload_batches_run_id_runs"),
    )


def downgrade() -> None:
    for table in ("upload_batches", "requests", "windows", "samples", "run_devices"):
        op.drop_table(table)
    for index in ("ix_runs_project_started", "ix_runs_started_at", "ix_runs_host"):
        op.drop_index(index, table_name="runs")
    for table in ("runs", "api_tokens", "projects"):
        op.drop_table(table)
