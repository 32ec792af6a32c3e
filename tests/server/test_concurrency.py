"""Concurrent uploads on PostgreSQL: the same batches posted at once by several threads count once.

(SQLite writers of one process are serialised by :class:`aifootprint.server.database.Database`; PostgreSQL runs them
in parallel, so this is where INSERT … ON CONFLICT DO NOTHING and the atomic device UPDATE are put to the test.)"""

from __future__ import annotations

import threading

import pytest

from aifootprint.server.client import ServerClient
from aifootprint.server.config import ServerConfig

from .conftest import serve_in_thread


def test_concurrent_duplicate_batches_count_once(pg_url):
    with serve_in_thread(ServerConfig(database_url=pg_url)) as live:
        setup = ServerClient(live.url)
        setup.post("/api/v1/runs", {"run_id": "c", "project": "p", "host": "h", "started_at": 1_767_225_600.0,
                                     "devices": [{"device": "gpu:0"}, {"device": "gpu:1"}]})
        batches = [{"batch_id": f"b{k}", "samples": [{"device": f"gpu:{d}", "t_s": k + 1.0, "energy_j": 10.0 * (k + 1),
                                                       "power_w": 10.0} for d in range(2)]} for k in range(12)]
        errors: list[str] = []

        def worker(order: list[dict]) -> None:
            client = ServerClient(live.url)
            try:
                for b in order:
                    client.post("/api/v1/runs/c/samples", b)
            except Exception as exc:  # collected and asserted below
                errors.append(repr(exc))
            finally:
                client.close()

        threads = [threading.Thread(target=worker, args=(batches if i % 2 else batches[::-1],)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        run = setup.get("/api/v1/runs/c")
        setup.close()
    assert errors == []
    assert run["samples"] == 24
    assert run["it_energy_j"] == pytest.approx(2 * 120.0)  # each device's largest cumulative value, once
