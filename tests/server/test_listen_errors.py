"""``serve`` and ``exporter`` on a port that is taken, or an address of another machine: the exporter ended in an
OSError traceback from prometheus_client; ``serve`` printed its banner and then uvicorn's "ERROR: [Errno 98] …"
(exit 3). Both now say it in one line, exit 2, before anything starts (``server.config.check_listen``)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from aifootprint.cli.main import main
from aifootprint.errors import InputError
from aifootprint.server.config import check_listen


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A port another program listens on (a real socket)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.mark.parametrize("command", [["serve"], ["exporter", "--sensors", "fake"]])
def test_taken_port_is_one_line_before_anything_starts(command: list[str], taken_port: int, tmp_path: object,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("prometheus_client")
    monkeypatch.setenv("AIFOOTPRINT_HOME", str(tmp_path))
    assert main([*command, "--port", str(taken_port)]) == 2
    cap = capsys.readouterr()
    assert cap.err.strip() == (f"error: cannot listen on 127.0.0.1:{taken_port}: Address already in use; accepted "
                               "(--host/--port): a free port on an address of this machine")
    assert "aifootprint server on" not in cap.err and "exporter on" not in cap.err  # no banner: nothing started


def test_an_address_of_another_machine_is_refused() -> None:
    """192.0.2.1 is TEST-NET-1 (RFC 5737): documentation only, never an address of this machine; no DNS needed."""
    with pytest.raises(InputError, match=r"cannot listen on 192\.0\.2\.1:\d+: Cannot assign requested address"):
        check_listen("192.0.2.1", 8787)


def test_a_free_port_passes_and_stays_free() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    check_listen("127.0.0.1", port)
    with socket.socket() as again:  # the check closed its socket: the port can be taken at once
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port))
