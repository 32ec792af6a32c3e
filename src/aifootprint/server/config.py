"""Server configuration: one frozen dataclass, built by the CLI or by tests.

No work at import time and no third-party import here, so the CLI can build a config without the ``[server]`` extra.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

#: Default TCP port of ``aifootprint serve`` (issue 9).
DEFAULT_PORT = 8787
#: Default bind address: loopback only; anything else must be asked for.
DEFAULT_HOST = "127.0.0.1"


@dataclass(frozen=True)
class Limits:
    """Caps on requests: ``max_body_bytes`` (beyond → HTTP 413; a design limit, not a measured figure: 4 MB holds a
    full 5,000-row batch with room, and bounds what one request can make the server parse). Row counts, name lengths
    and number ranges are fixed by the API's schemas (:mod:`aifootprint.server.schemas`; beyond → HTTP 422)."""

    max_body_bytes: int = 4_000_000


@dataclass(frozen=True)
class TokenPolicy:
    """When writes need a token.

    ``require_for_writes``: ``None`` = automatic (required unless bound to a loopback address); True forces it on
    loopback too; False is ignored off loopback (writes there always need a token). ``require_for_reads``: ``None`` =
    automatic (open on loopback, token needed elsewhere); False opens reads everywhere (``--public-reads``).
    """

    require_for_writes: bool | None = None
    require_for_reads: bool | None = None


@dataclass(frozen=True)
class ServerConfig:
    """Everything the app factory needs; see :func:`aifootprint.server.app.create_app`."""

    database_url: str
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    tokens: TokenPolicy = TokenPolicy()
    limits: Limits = Limits()
    #: create the schema (Alembic upgrade head) at start-up
    migrate: bool = True
    #: Host headers accepted; None: automatic (loopback names when bound to loopback, any otherwise)
    allowed_hosts: tuple[str, ...] | None = None

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    @property
    def writes_need_token(self) -> bool:
        """True unless bound to loopback (or forced off there). Never False on a non-loopback host."""
        if not self.loopback:
            return True
        return bool(self.tokens.require_for_writes)

    @property
    def trusted_hosts(self) -> list[str]:
        """Host headers served. On loopback only loopback names: a web page whose domain an attacker re-points to
        127.0.0.1 (DNS rebinding) gets 400, not the open loopback API. ``testserver`` is Starlette's TestClient."""
        if self.allowed_hosts is not None:
            return list(self.allowed_hosts)
        return list(LOOPBACK_NAMES) if self.loopback else ["*"]

    @property
    def reads_need_token(self) -> bool:
        if self.tokens.require_for_reads is None:
            return not self.loopback
        return self.tokens.require_for_reads


#: Host names accepted by a loopback-bound server (see :attr:`ServerConfig.trusted_hosts`).
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]", "testserver")

#: Environment variable through which ``aifootprint serve --workers N`` hands the config to its worker processes.
CONFIG_ENV = "AIFOOTPRINT_SERVER_CONFIG"


def config_to_json(config: ServerConfig) -> str:
    import json
    from dataclasses import asdict

    return json.dumps(asdict(config))


def config_from_json(text: str) -> ServerConfig:
    import json

    data = json.loads(text)
    hosts = data.get("allowed_hosts")
    return ServerConfig(**{**data, "tokens": TokenPolicy(**data["tokens"]), "limits": Limits(**data["limits"]),
                           "allowed_hosts": tuple(hosts) if hosts is not None else None})


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def data_dir(environ: dict[str, str] | None = None, home: Path | None = None) -> Path:
    """User data directory: :func:`aifootprint.paths.data_home` (``$AIFOOTPRINT_HOME``, else XDG)."""
    from aifootprint.paths import data_home

    return data_home(environ, home)


def default_database_url(environ: dict[str, str] | None = None, home: Path | None = None) -> str:
    """Embedded SQLite file in the user data directory (``…/aifootprint/server.sqlite3``)."""
    return f"sqlite:///{data_dir(environ, home) / 'server.sqlite3'}"


def check_listen(host: str, port: int, flags: str = "--host/--port") -> None:
    """Raise :class:`~aifootprint.errors.InputError` unless this process can listen on ``host:port`` now: a port in
    use, a name that does not resolve or an address of another machine is one line before a server starts (uvicorn
    and prometheus_client would say it as a log line or a traceback after the banner). Binds a socket the way both
    servers do (``SO_REUSEADDR``) and closes it; a port taken in between still fails in the server itself."""
    import socket

    from ..errors import InputError

    accepted = f"accepted ({flags}): a free port on an address of this machine"
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise InputError(f"cannot listen on {host}:{port}: {getattr(exc, 'strerror', None) or exc}; {accepted}") \
            from None
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; {accepted}") from None
