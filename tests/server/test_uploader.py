"""Offline-first reporting: local store first, retries through an outage and a restart, nothing counted twice."""

from __future__ import annotations

import json
import urllib.request

import pytest

from aifootprint.measure.sensors.fake import FakeSensor
from aifootprint.measure.store import RunStore
from aifootprint.measure.tracker import Tracker, TrackerConfig
from aifootprint.server.client import ServerClient, ServerError, UploadConfig, Uploader
from aifootprint.server.config import ServerConfig
from aifootprint.server.sink import UploadingStore, sync_run

from .conftest import free_port, serve_in_thread


def _get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read())


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def _tracked_run(store, clock, seconds=5.0):
    """A deterministic tracked run: fake GPU 300 W + CPU 50 W, sampled at 10 Hz on a manual clock."""
    sensors = [FakeSensor("gpu:0", "gpu", 300.0, clock=clock), FakeSensor("cpu:0", "cpu", 50.0, clock=clock)]
    tracker = Tracker(TrackerConfig(background=False, name="job", flush_s=0.5), sensors=sensors, clock=clock,
                      store=store)
    tracker.start()
    for _ in range(int(seconds * 10)):
        clock.t += 0.1
        tracker.sample()
    result = tracker.stop(exit_code=0)
    return tracker, result


class LosingReplies(ServerClient):
    """Sends every request, but 'loses' the reply of the first try of each batch (as after a network cut)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seen = set()

    def post(self, path, body):
        out = super().post(path, body)
        key = (path, body.get("batch_id"))
        if body.get("batch_id") and key not in self.seen:
            self.seen.add(key)
            raise ServerError(0, "connection reset (simulated)")
        return out


def test_lost_replies_are_retried_without_double_counting(live_server, tmp_path):
    cfg = UploadConfig(url=live_server.url, project="p", interval_s=0.05, max_backoff_s=0.05, drain_s=20)
    sink = UploadingStore(RunStore(tmp_path / "runs.sqlite"), Uploader(cfg, LosingReplies(live_server.url)), "p")
    tracker, result = _tracked_run(sink, Clock())
    assert sink.drained and sink.uploader.errors >= 1  # at least one batch was sent twice
    run = _get(f"{live_server.url}/api/v1/runs/{tracker.run_id}")
    assert run["it_energy_j"] == pytest.approx(result.energy_j, rel=1e-9)
    assert run["it_energy_j"] == pytest.approx(350.0 * 5.0, rel=1e-6)
    assert run["samples"] == 2 * 51 and run["ended_at"] is not None
    local = RunStore(tmp_path / "runs.sqlite", read_only=True)
    # the local store has everything too (the tracker's final read repeats the last time stamp: the server keeps
    # one row per device and time)
    assert len({(d, t) for d, t, _e, _p in local.samples(tracker.run_id)}) == 2 * 51


def test_outage_then_restart_loses_nothing(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    config = ServerConfig(database_url=f"sqlite:///{tmp_path / 'srv.sqlite3'}")
    cfg = UploadConfig(url=url, project="p", interval_s=0.05, max_backoff_s=0.2, drain_s=0.5)
    sink = UploadingStore(RunStore(tmp_path / "runs.sqlite"), Uploader(cfg), "p")
    clock = Clock()
    tracker, result = _tracked_run(sink, clock)  # the server is down the whole run
    status = sink.uploader.status()
    # every try failed, so every row is still waiting (and is in the local store): 2 devices x 52 rows
    assert sink.drained is False and status["errors"] >= 1 and "refused" in status["last_error"]
    assert (status["sent_rows"], status["pending_rows"], status["dropped_rows"]) == (0, 104, 0)
    assert "not fully uploaded" in sink.report(tracker.run_id)
    with serve_in_thread(config, port):  # the server comes up: `server sync` uploads the stored run
        out = sync_run(RunStore(tmp_path / "runs.sqlite", read_only=True), tracker.run_id, cfg)
        assert out["finished"] and out["rows"] == 104  # every local row sent (2 repeat a time stamp)
        again = sync_run(RunStore(tmp_path / "runs.sqlite", read_only=True), tracker.run_id, cfg)  # repeat: no-op
        assert again["rows"] == out["rows"]
    with serve_in_thread(config, port):  # restarted server: same totals from the database
        run = _get(f"{url}/api/v1/runs/{tracker.run_id}")
    assert run["it_energy_j"] == pytest.approx(result.energy_j, rel=1e-9) and run["samples"] == 2 * 51


def test_uploader_rides_out_a_restart_mid_run(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    config = ServerConfig(database_url=f"sqlite:///{tmp_path / 'srv.sqlite3'}")
    cfg = UploadConfig(url=url, project="p", interval_s=0.05, max_backoff_s=0.1, drain_s=20)
    uploader = Uploader(cfg)
    rows = [{"device": "gpu:0", "t_s": i / 10, "energy_j": 30.0 * i, "power_w": 300.0} for i in range(200)]
    with serve_in_thread(config, port):
        uploader.create_run({"run_id": "r", "project": "p", "host": "h", "started_at": 1_767_225_600.0,
                             "devices": [{"device": "gpu:0", "component": "gpu"}]})
        uploader.start()
        uploader.add_rows("samples", rows[:100])
        assert uploader.drain(10)
    uploader.add_rows("samples", rows[100:])  # server down: queued, retried
    uploader.finish({"ended_at": 1_767_225_620.0, "exit_code": 0})
    assert not uploader.drain(0.3)
    with serve_in_thread(config, port):
        assert uploader.drain(20)
        run = _get(f"{url}/api/v1/runs/r")
    uploader.stop()
    assert run["samples"] == 200 and run["it_energy_j"] == pytest.approx(30.0 * 199)


def test_refused_upload_is_fatal_not_retried(live_server):
    uploader = Uploader(UploadConfig(url=live_server.url, project="p", interval_s=0.05))
    uploader.create_run({"run_id": "bad id", "project": "p", "host": "h", "started_at": 0.0})
    uploader.start()
    assert not uploader.drain(5)
    uploader.stop()
    assert "422" in uploader.status()["fatal"]


def test_bad_upload_config_is_an_input_error():
    from aifootprint.errors import InputError

    with pytest.raises(InputError, match="http"):
        UploadConfig(url="ftp://x", project="p")
    with pytest.raises(InputError, match="project"):
        UploadConfig(url="http://127.0.0.1:1", project="a b")


def test_sync_and_migrate_commands(live_server, tmp_path, capsys):
    from aifootprint.cli.main import main

    store_path = tmp_path / "local.sqlite"
    tracker, result = _tracked_run(RunStore(store_path), Clock(), seconds=1.0)  # measured offline
    assert main(["server", "sync", "--server", live_server.url, "--project", "offline", "--store",
                 str(store_path)]) == 2  # neither --run nor --all
    assert "--all" in capsys.readouterr().err
    assert main(["server", "sync", "--server", live_server.url, "--project", "offline", "--store",
                 str(store_path), "--all"]) == 0
    assert f"{tracker.run_id}: " in capsys.readouterr().out
    run = _get(f"{live_server.url}/api/v1/runs/{tracker.run_id}")
    assert run["it_energy_j"] == pytest.approx(result.energy_j, rel=1e-9) and run["inputs"]["run_id"] == tracker.run_id
    assert main(["server", "sync", "--server", "http://127.0.0.1:1", "--project", "x", "--store",
                 str(store_path), "--run", tracker.run_id]) == 2
    assert "upload failed" in capsys.readouterr().err
    assert main(["measure", "--project", "x", "--", "true"]) == 2
    assert "--project needs --server" in capsys.readouterr().err
    url = f"sqlite:///{tmp_path / 'm.sqlite3'}"
    assert main(["server", "migrate", "--database-url", url]) == 0
    assert "r0001" in capsys.readouterr().out
    assert main(["server", "migrate", "--database-url", url, "--down", "base"]) == 0
    assert "none" in capsys.readouterr().out


def test_unencodable_row_stops_the_uploader_loudly(live_server):
    uploader = Uploader(UploadConfig(url=live_server.url, project="p", interval_s=0.05))
    uploader.create_run({"run_id": "nan", "project": "p", "host": "h", "started_at": float("nan")})
    uploader.start()
    assert not uploader.drain(5)
    uploader.stop()
    assert "cannot encode" in uploader.status()["fatal"]


def test_queue_cap_keeps_memory_bounded_and_says_so(tmp_path):
    port = free_port()  # nothing listens: an outage
    cfg = UploadConfig(url=f"http://127.0.0.1:{port}", project="p", interval_s=0.05, max_backoff_s=0.1, drain_s=0.3,
                       max_queue_rows=50)
    sink = UploadingStore(RunStore(tmp_path / "runs.sqlite"), Uploader(cfg), "p")
    tracker, _result = _tracked_run(sink, Clock(), seconds=5.0)  # 102 samples > 50
    status = sink.uploader.status()
    # nothing sent; what did not fit under the cap was dropped from memory (not from the local store), the rest waits
    assert status["sent_rows"] == 0 and status["dropped_rows"] + status["pending_rows"] == 104
    assert 0 < status["pending_rows"] <= 50 and sink.drained is False
    assert "beyond the upload queue" in sink.report(tracker.run_id)
    local = RunStore(tmp_path / "runs.sqlite", read_only=True)
    assert local.count("samples", tracker.run_id) >= 102  # all of it is in the local store, for `server sync`
