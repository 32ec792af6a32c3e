"""Two requests that send one new batch id at the same moment with different rows: the one whose claim waits for
the other's commit compares its rows with the stored ones, as a retry does, and gets a 409 — it was answered
'duplicate' and its rows were dropped. A real PostgreSQL server: its INSERT … ON CONFLICT waits for the concurrent
claim to commit, which is the race (SQLite serialises the two writers)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from aifootprint.server import schemas as s
from aifootprint.server import service
from aifootprint.server.app import create_app
from aifootprint.server.config import ServerConfig
from aifootprint.server.db import make_engine

T0 = 1_767_225_600.0
RUN = {"run_id": "race", "project": "p", "host": "h", "started_at": T0, "devices": [{"device": "gpu:0"}]}


def _windows(name: str) -> s.WindowsBatch:
    return s.WindowsBatch(batch_id="b1", windows=[s.WindowIn(name=name, start_s=0.0, duration_s=1.0,
                                                             energy_j=10.0)])


@pytest.mark.parametrize(("second", "code"), [("other", 409), ("first", None)])
def test_a_batch_id_claimed_meanwhile_with_other_rows_is_a_409(pg_url: str, second: str, code: int | None) -> None:
    with TestClient(create_app(ServerConfig(database_url=pg_url))) as c:
        assert c.post("/api/v1/runs", json=RUN).status_code == 201
    engine = make_engine(pg_url, create=False)
    try:
        a, b = Session(engine), Session(engine)
        assert service.add_windows(a, "race", _windows("first"))["duplicate"] is False  # claimed, not committed
        got: dict[str, Any] = {}

        def later() -> None:  # checks pass (a's rows are not committed), then its claim waits for a's commit
            try:
                got["reply"] = service.add_windows(b, "race", _windows(second))
            except service.ApiError as exc:
                got["status"] = exc.status
            finally:
                b.rollback()

        t = threading.Thread(target=later)
        t.start()
        t.join(0.5)
        assert t.is_alive(), got  # waiting on a's claim
        a.commit()
        t.join(30)
        assert not t.is_alive()
        if code is None:
            assert got["reply"]["duplicate"] is True  # the same rows: a retry
        else:
            assert got.get("status") == code, got
        a.close()
        b.close()
    finally:
        engine.dispose()
