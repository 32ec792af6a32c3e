"""Alembic migrations: up and down on SQLite and PostgreSQL, and the ORM models match the migrated schema."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from aifootprint.server.db import current_revision, downgrade, make_engine, upgrade
from aifootprint.server.models import Base

TABLES = {"projects", "api_tokens", "runs", "run_devices", "samples", "windows", "requests", "upload_batches"}


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    return request.getfixturevalue("pg_url")


def test_upgrade_downgrade_roundtrip_and_models_match(empty_url):
    engine = make_engine(empty_url)
    assert current_revision(engine) is None
    try:
        upgrade(engine)
        assert current_revision(engine) == "r0001"
        assert set(inspect(engine).get_table_names()) >= TABLES
        from alembic.autogenerate import compare_metadata
        from alembic.runtime.migration import MigrationContext

        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == []  # the migration creates exactly what the models declare
        downgrade(engine, "base")
        assert current_revision(engine) is None
        assert not TABLES & set(inspect(engine).get_table_names())
        upgrade(engine)  # and up again on the emptied database
        assert set(inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()


def test_bad_database_urls_are_input_errors(tmp_path):
    from aifootprint.errors import InputError

    for url in ("mysql://x/y", "not a url", "oracle+cx://a/b"):
        with pytest.raises(InputError):
            make_engine(url)
