"""A ``--server`` URL that is not an aifootprint team server (a web page, a proxy, a wrong port): the client read any
2xx reply as "accepted" — `server sync` against a page answering 200 with HTML printed "18 rows (finished)" and exit
0 while nothing was stored anywhere; a truncated JSON reply ended in a JSONDecodeError traceback; a 50 MB reply was
read whole. A success status now needs a JSON reply of at most ``MAX_REPLY_BYTES``; anything else is a fatal
(never retried) ServerError naming the reply, and the rows stay in the local store.

A real local HTTP server (the standard library's, in a thread) plays the wrong server."""

from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from aifootprint.cli.main import main
from aifootprint.measure.sensors.fake import FakeSensor
from aifootprint.measure.store import RunStore
from aifootprint.measure.tracker import Tracker, TrackerConfig
from aifootprint.server.client import MAX_REPLY_BYTES, ServerClient, ServerError, UploadConfig, Uploader

#: reply of each wrong server: (status, content type, body)
REPLIES = {
    "html": (200, "text/html", b"<html><body>Welcome</body></html>"),
    "truncated-json": (200, "application/json", b'{"accepted": '),
    "too-big": (200, "application/json", b" " * (MAX_REPLY_BYTES + 10)),
}


def _server(reply: tuple[int, str, bytes]) -> tuple[http.server.ThreadingHTTPServer, str]:
    status, kind, body = reply

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            with contextlib.suppress(OSError):  # the client stops reading a reply that is too big: expected
                self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f"http://127.0.0.1:{srv.server_address[1]}"


@pytest.fixture(params=sorted(REPLIES))
def wrong_server(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    srv, url = _server(REPLIES[request.param])
    yield request.param, url
    srv.shutdown()
    srv.server_close()


NEEDLE = {"html": "is text/html, not JSON", "truncated-json": "is not valid JSON",
          "too-big": f"is larger than {MAX_REPLY_BYTES:,} bytes"}


def test_client_refuses_a_reply_that_is_not_the_api(wrong_server: tuple[str, str]) -> None:
    name, url = wrong_server
    client = ServerClient(url)
    with pytest.raises(ServerError, match=NEEDLE[name]) as err:
        client.post("/api/v1/runs", {"run_id": "r"})
    client.close()
    assert not err.value.retryable and "aifootprint team server" in str(err.value)


def test_sync_to_a_wrong_server_fails_and_keeps_the_run(wrong_server: tuple[str, str], tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    name, url = wrong_server
    store_path = tmp_path / "local.sqlite"
    t = [1000.0]
    tracker = Tracker(TrackerConfig(background=False, name="job"), store=RunStore(store_path),
                      sensors=[FakeSensor("gpu:0", "gpu", 300.0, clock=lambda: t[0])], clock=lambda: t[0])
    tracker.start()
    for _ in range(5):
        t[0] += 0.1
        tracker.sample()
    tracker.stop(exit_code=0)
    assert main(["server", "sync", "--server", url, "--project", "p", "--store", str(store_path), "--all"]) == 2
    cap = capsys.readouterr()
    assert NEEDLE[name] in cap.err and len(cap.err.strip().splitlines()) == 1 and "rows" not in cap.out
    assert [r.run_id for r in RunStore(store_path, read_only=True).runs()] == [tracker.run_id]


def test_uploader_stops_loudly_instead_of_reporting_success(wrong_server: tuple[str, str]) -> None:
    name, url = wrong_server
    uploader = Uploader(UploadConfig(url=url, project="p", interval_s=0.05))
    uploader.create_run({"run_id": "r1", "project": "p", "host": "h", "started_at": 1_767_225_600.0})
    uploader.start()
    assert not uploader.drain(5)
    uploader.stop()
    assert NEEDLE[name] in uploader.status()["fatal"]
