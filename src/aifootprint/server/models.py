"""SQLAlchemy 2 ORM models of the team server (SQLite or PostgreSQL).

Times ``*_at`` are Unix seconds (UTC); ``t_s`` are seconds since the run's start (as in the local run store,
:mod:`aifootprint.measure.store`). Energies are IT energy in joules; ``energy_j`` of a sample is cumulative since the
run's start for that device, so a run's energy is the sum over its devices of their largest ``energy_j``.

Idempotency: a batch is recorded in ``upload_batches`` (primary key ``run_id, batch_id``) in the same transaction as
its rows, and rows carry natural keys (``samples``: run, device, ``t_s``; ``windows``: run, name, start;
``requests``: run, request id), so neither a retried batch nor a re-upload under a new batch id counts twice.
The schema is created and changed only by the Alembic migrations in ``server/migrations``.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[float] = mapped_column(Float)


class ApiToken(Base):
    """A write token: ``afp_<token_id>_<secret>``; only the SHA-256 of the (256-bit random) secret is stored."""

    __tablename__ = "api_tokens"

    token_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    secret_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[float] = mapped_column(Float)
    revoked_at: Mapped[float | None] = mapped_column(Float, nullable=True)


class Run(Base):
    __tablename__ = "runs"
    __table_args__ = (Index("ix_runs_project_started", "project_id", "started_at"),)

    run_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    name: Mapped[str] = mapped_column(String(200))
    host: Mapped[str] = mapped_column(String(255), index=True)
    started_at: Mapped[float] = mapped_column(Float, index=True)
    ended_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    exit_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    location: Mapped[str] = mapped_column(String(64), default="")
    hz: Mapped[float] = mapped_column(Float, default=0.0)
    command: Mapped[str] = mapped_column(String(2000), default="")
    job_id: Mapped[str] = mapped_column(String(200), default="")
    method_version: Mapped[str] = mapped_column(String(64), default="")
    data_version: Mapped[str] = mapped_column(String(64), default="")
    #: carbon [gCO2e] and water [L] per kWh of IT energy at the run's site (from aifootprint.impacts.assess)
    carbon_g_per_it_kwh: Mapped[float] = mapped_column(Float)
    water_l_per_it_kwh: Mapped[float] = mapped_column(Float)
    facility_kwh_per_it_kwh: Mapped[float] = mapped_column(Float)
    site_json: Mapped[str] = mapped_column(Text, default="{}")
    summary_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[float] = mapped_column(Float)


class RunDevice(Base):
    """A device of a run, with its running total (largest cumulative ``energy_j`` received)."""

    __tablename__ = "run_devices"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.run_id"), primary_key=True)
    device: Mapped[str] = mapped_column(String(100), primary_key=True)
    component: Mapped[str] = mapped_column(String(16), default="other")
    physical_id: Mapped[str] = mapped_column(String(200), default="")
    method: Mapped[str] = mapped_column(String(100), default="")
    estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    owned: Mapped[bool] = mapped_column(Boolean, default=True)
    energy_j: Mapped[float] = mapped_column(Float, default=0.0)
    last_t_s: Mapped[float] = mapped_column(Float, default=0.0)
    last_power_w: Mapped[float | None] = mapped_column(Float, nullable=True)


class Sample(Base):
    __tablename__ = "samples"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.run_id"), primary_key=True)
    device: Mapped[str] = mapped_column(String(100), primary_key=True)
    t_s: Mapped[float] = mapped_column(Float, primary_key=True)
    energy_j: Mapped[float | None] = mapped_column(Float, nullable=True)
    power_w: Mapped[float | None] = mapped_column(Float, nullable=True)


class Window(Base):
    __tablename__ = "windows"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.run_id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    start_s: Mapped[float] = mapped_column(Float, primary_key=True)
    duration_s: Mapped[float] = mapped_column(Float)
    energy_j: Mapped[float] = mapped_column(Float)
    measurement_json: Mapped[str] = mapped_column(Text, default="{}")


class RequestRow(Base):
    __tablename__ = "requests"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.run_id"), primary_key=True)
    request_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    start_s: Mapped[float] = mapped_column(Float)
    end_s: Mapped[float] = mapped_column(Float)
    prefill_tokens: Mapped[int] = mapped_column(Integer)
    decode_tokens: Mapped[int] = mapped_column(Integer)
    energy_j: Mapped[float] = mapped_column(Float)


class UploadBatch(Base):
    """One accepted batch (its id chosen by the client); a second POST with the same id is acknowledged, not applied."""

    __tablename__ = "upload_batches"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.run_id"), primary_key=True)
    batch_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    rows: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[float] = mapped_column(Float)
