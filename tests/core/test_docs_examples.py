"""Every documented example runs: the ``python`` blocks and the ``aifootprint`` command lines of README.md and
docs/**/*.md. (The paths and links the docs name are checked in ``test_docs_paths_and_links.py``; both read the
docs through ``docs_markdown.py``.)

What runs:

- a ```` ```python ```` block, whole, in a fresh interpreter (this test's ``sys.executable``, ``-W error``) in a temp
  folder;
- in a ```` ```bash ````, ``sh``, ``shell``, ``console`` or unlabelled block, every command line whose command is
  ``aifootprint`` (``console``: the ``$ `` lines; a trailing ``\\`` joins lines; ``VAR=value`` prefixes allowed).
  A plain line runs the installed ``aifootprint`` console script directly; a line with a pipe, a redirection or a
  chain (``|``, ``>``, ``<``, ``&&``, ``;``, a ``VAR=`` prefix) runs in ``bash -c`` with the same ``PATH``. The lines of
  one block run in order in one temp folder (``runs list`` sees the run ``measure`` stored); blocks run in parallel.

Each one runs offline with its own data and config roots (``AIFOOTPRINT_HOME``, ``AIFOOTPRINT_CONFIG``, ``HOME``,
``XDG_*`` in the temp folder; :mod:`aifootprint.paths`, :mod:`aifootprint.calibrate.config`), the registry's grid
intensity and no token, and must exit 0 with no traceback.

What does not run is said in the markdown, in HTML comments on the lines right before the block:

- ``<!-- docs-test: skip (REASON) -->``: the whole block;
- ``<!-- docs-test: skip "TEXT" (REASON) -->``: the block's commands that contain TEXT (TEXT must match one);
- ``<!-- docs-test: given NAME, NAME -->``: inputs the example assumes, made before it runs (:data:`FILE_GIVEN`: a
  file such as ``train.py``; :data:`PYTHON_GIVEN`: a Python name such as ``train_one_epoch`` defined before the
  block; ``openai-api``: a local fake of the OpenAI API in ``OPENAI_BASE_URL``);
- ``<!-- docs-test: needs MODULE -->``: an optional library outside the ``test`` extra; the block is skipped, saying
  so, where it is not installed.

A marker this test does not understand, a skip without a reason or a stale one fails the test: nothing is skipped
silently here.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from .docs_markdown import FENCE, MARKER, ROOT, Block, blocks, doc_files, rel

MICROBENCH = ROOT.parent / "shared" / "data" / "gpu-microbench" / "microbench.csv"
SHELL_LANGS = frozenset({"", "bash", "sh", "shell", "console"})
TIMEOUT_S = 120
SKIP = re.compile(r'^skip(?:\s+"(?P<text>[^"]+)")?\s+\((?P<reason>[^)]*\S[^)]*)\)$')
GIVEN_RE = re.compile(r"^given\s+(?P<names>[\w.,\s-]+)$")
NEEDS_RE = re.compile(r"^needs\s+(?P<module>[\w.]+)$")
SHELL_SYNTAX = re.compile(r"[|<>;&`$]")
ASSIGNMENT = re.compile(r"^[A-Za-z_]\w*=")


def shell_commands(block: Block) -> list[str]:
    """The block's ``aifootprint`` command lines (continuations joined, ``$ `` prompts removed)."""
    if block.lang not in SHELL_LANGS:
        return []
    joined: list[str] = []
    buf = ""
    for raw in block.lines:
        line = raw.rstrip()
        if block.lang == "console" and not buf:
            if not line.lstrip().startswith("$ "):
                continue
            line = line.lstrip()[2:]
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        joined.append((buf + line).strip())
        buf = ""
    return [c for c in joined if _first_command(c) == "aifootprint"]


def _first_command(line: str) -> str | None:
    try:
        words = shlex.split(line, comments=True)
    except ValueError:
        return None
    while words and ASSIGNMENT.match(words[0]):
        words.pop(0)
    return words[0] if words else None


@dataclass(frozen=True)
class Plan:
    """What the test does with one block: the commands or the Python source to run, the givens, what is skipped."""

    block: Block
    kind: str  # "python" | "shell"
    commands: tuple[str, ...] = ()
    skipped: tuple[tuple[str, str], ...] = ()  # (command, reason)
    skip_reason: str | None = None
    given: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    errors: tuple[str, ...] = field(default=())


def plan(block: Block) -> Plan | None:
    """The plan for ``block``, or None when it holds nothing to run (and carries no marker)."""
    kind = "python" if block.lang == "python" else "shell"
    commands = shell_commands(block) if kind == "shell" else []
    if kind == "shell" and not commands:
        if block.markers:
            return Plan(block, kind, errors=(f"docs-test marker on a block with no aifootprint command: "
                                             f"{block.markers}",))
        return None
    errors: list[str] = []
    skipped: list[tuple[str, str]] = []
    given: list[str] = []
    needs: list[str] = []
    reason: str | None = None
    for marker in block.markers:
        s, g, need = SKIP.match(marker), GIVEN_RE.match(marker), NEEDS_RE.match(marker)
        if s and s.group("text") is None:
            reason = s.group("reason")
        elif s:
            text = s.group("text")
            hits = [c for c in commands if text in c]
            if kind == "python" or not hits:
                errors.append(f"skip marker {text!r} matches no command of the block")
            skipped += [(c, s.group("reason")) for c in hits]
        elif g:
            names = [n.strip() for n in g.group("names").split(",") if n.strip()]
            errors += [f"given {n!r} is not one this test knows ({', '.join(sorted(GIVEN))})"
                       for n in names if n not in GIVEN]
            given += names
        elif need:
            needs.append(need.group("module"))
        else:
            errors.append(f"docs-test marker not understood: {marker!r} (accepted: skip (REASON), "
                          f'skip "TEXT" (REASON), given NAME[, NAME], needs MODULE)')
    if reason is not None and (skipped or given or needs):
        errors.append("a skipped block carries other markers")
    if kind == "python":
        commands = ["\n".join(block.lines)]
    else:
        done = {c for c, _ in skipped}
        commands = [c for c in commands if c not in done]
    return Plan(block, kind, tuple(commands), tuple(skipped), reason, tuple(given), tuple(needs),
                tuple(errors))


# --- what the examples assume ---------------------------------------------------------------------------------------


def _write(name: str, text: str) -> Callable[[Path], None]:
    def make(folder: Path) -> None:
        (folder / name).write_text(text, encoding="utf-8")
    return make


def _parquet_requests(folder: Path) -> None:
    """docs/integrations.md's log: model_name, prompt_tokens, completion_tokens."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"model_name": ["llama-3.1-8b", "gpt-4o-mini", "llama-3.1-70b"],
                      "prompt_tokens": [800, 1200, 300], "completion_tokens": [300, 250, 500]})
    pq.write_table(table, folder / "requests.parquet")


def _microbench(folder: Path) -> None:
    """The micro-benchmark readings the project measured (aifootprint GPU micro-benchmarks, 2026-11-26, in
    ../shared/data/gpu-microbench, as tests/calibrate reads them)."""
    shutil.copyfile(MICROBENCH, folder / "microbench.csv")


def _h100_profile(folder: Path) -> None:
    """An H100 profile as `aifootprint calibrate` writes it, here derived from the shipped readings."""
    _microbench(folder)
    argv = [_entry_point(), "calibrate", "--from-csv", "microbench.csv", "--gpu", "h100", "--out", "h100.toml"]
    proc = subprocess.run(argv, cwd=folder, env=_env(folder), capture_output=True, text=True, timeout=TIMEOUT_S)
    if proc.returncode != 0:
        raise RuntimeError(f"calibrate --from-csv for the given h100.toml: exit {proc.returncode}: {proc.stderr}")


def _scenario_file(folder: Path) -> None:
    """mine.toml: the scenario file docs/scenarios.md shows (its first toml block)."""
    doc = ROOT / "docs" / "scenarios.md"
    (toml,) = [b for b in blocks(doc) if b.lang == "toml"][:1]
    (folder / "mine.toml").write_text("\n".join(toml.lines) + "\n", encoding="utf-8")


FILE_GIVEN: dict[str, Callable[[Path], None]] = {
    "train.py": _write("train.py", "print('one epoch')\n"),
    "calls.csv": _write("calls.csv", "output_tokens\n300\n120\n"),
    "requests.parquet": _parquet_requests,
    "microbench.csv": _microbench,
    "h100.toml": _h100_profile,
    "mine.toml": _scenario_file,
}
PYTHON_GIVEN: dict[str, str] = {
    "train_one_epoch": "def train_one_epoch() -> None:\n    sum(i * i for i in range(100_000))\n",
    "openai-hooks": ("from openai import OpenAI\nfrom aifootprint.integrations.core import HookConfig\n"
                     "from aifootprint.integrations.openai import instrument\n"),
    "my_ledger": "from aifootprint.integrations.ledger import Ledger\nmy_ledger = Ledger('chatbot')\n",
    "tracker": "from aifootprint.measure import Tracker\ntracker = Tracker().start()\n",
}
GIVEN_FROM = {"microbench.csv": MICROBENCH, "h100.toml": MICROBENCH}  # givens made from files outside the repository
OPENAI_API = "openai-api"  # OPENAI_BASE_URL and OPENAI_API_KEY of a local fake of the chat completions API
GIVEN = frozenset(FILE_GIVEN) | frozenset(PYTHON_GIVEN) | {OPENAI_API}


class _FakeOpenAI(BaseHTTPRequestHandler):
    """Answers every POST .../chat/completions with one fixed completion and its usage (OpenAI's reply shape)."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        model = json.loads(self.rfile.read(length) or b"{}").get("model", "gpt-4o-mini")
        if not self.path.endswith("/chat/completions"):
            self.send_error(404)
            return
        body = json.dumps({
            "id": "chatcmpl-docs", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": "Hello."}}],
            "usage": {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12},
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@contextmanager
def fake_openai() -> Iterator[str]:
    """A fake OpenAI API on 127.0.0.1 in a thread; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeOpenAI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# --- running --------------------------------------------------------------------------------------------------------


def _entry_point() -> str:
    """The installed ``aifootprint`` console script (checked by :func:`outcomes`)."""
    return str(Path(sys.executable).parent / "aifootprint")


def _env(folder: Path) -> dict[str, str]:
    """The process environment without the user's aifootprint settings, roots in ``folder``, offline."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIFOOTPRINT_", "XDG_", "OPENAI_", "ANTHROPIC_"))}
    env.update({
        "HOME": str(folder / ".home"),
        "AIFOOTPRINT_HOME": str(folder / ".home" / "data"),
        "AIFOOTPRINT_CONFIG": str(folder / ".home" / "config.toml"),
        "XDG_DATA_HOME": str(folder / ".home" / "xdg-data"),
        "XDG_CONFIG_HOME": str(folder / ".home" / "xdg-config"),
        "XDG_CACHE_HOME": str(folder / ".home" / "xdg-cache"),
        "AIFOOTPRINT_INTENSITY_PROVIDER": "registry",
        "NO_COLOR": "1",
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",  # litellm reads its bundled price table instead of fetching one
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    })
    return env


@dataclass(frozen=True)
class Outcome:
    """What one command or block did: None when it worked, else the failure, with the time taken."""

    failure: str | None
    seconds: float


def _run_one(args: list[str] | str, folder: Path, shell: bool,
             extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    argv = ["bash", "-o", "pipefail", "-c", str(args)] if shell else list(args)
    return subprocess.run(argv, cwd=folder, env={**_env(folder), **extra}, capture_output=True, text=True,
                          timeout=TIMEOUT_S, stdin=subprocess.DEVNULL)


def execute(p: Plan, folder: Path, openai_url: str) -> Outcome:
    """Run ``p`` in ``folder`` (made here): the givens, then each command in order; the first failure stops it."""
    start = time.perf_counter()
    try:
        return _execute(p, folder, openai_url, start)
    except Exception as exc:  # a given that could not be made: this block's failure, not the fixture's
        return Outcome(f"preparing the block: {exc!r}", time.perf_counter() - start)


def _execute(p: Plan, folder: Path, openai_url: str, start: float) -> Outcome:
    folder.mkdir(parents=True)
    (folder / ".home").mkdir()
    for name in p.given:
        if name in FILE_GIVEN:
            FILE_GIVEN[name](folder)
    extra = {"OPENAI_BASE_URL": openai_url, "OPENAI_API_KEY": "sk-docs-test"} if OPENAI_API in p.given else {}
    if p.kind == "python":
        prelude = "".join(PYTHON_GIVEN[n] for n in p.given if n in PYTHON_GIVEN)
        (folder / "example.py").write_text(prelude + p.commands[0] + "\n", encoding="utf-8")
        python = [sys.executable, "-W", "error", "example.py"]  # a warning an example prints fails it, as in pytest
        commands: list[tuple[str, list[str] | str, bool]] = [("the python block", python, False)]
    else:
        commands = []
        for c in p.commands:
            words = shlex.split(c, comments=True)
            shell = bool(SHELL_SYNTAX.search(c.split("#", 1)[0])) or bool(ASSIGNMENT.match(words[0]))
            commands.append((c, c if shell else [_entry_point(), *words[1:]], shell))
    for shown, args, shell in commands:
        try:
            proc = _run_one(args, folder, shell, extra)
        except subprocess.TimeoutExpired:
            return Outcome(f"{shown}\n  did not finish in {TIMEOUT_S} s", time.perf_counter() - start)
        if proc.returncode != 0 or "Traceback (most recent call last)" in proc.stderr + proc.stdout:
            return Outcome(f"{shown}\n  exit {proc.returncode}\n  stderr: {proc.stderr[-2000:]}\n"
                           f"  stdout: {proc.stdout[-500:]}", time.perf_counter() - start)
    return Outcome(None, time.perf_counter() - start)


def all_plans() -> list[Plan]:
    return [p for doc in doc_files() for b in blocks(doc) if (p := plan(b)) is not None]


PLANS = all_plans()


def _missing(p: Plan) -> list[str]:
    """What the block needs that this machine lacks: a library marked ``needs``, a given's source outside the repo."""
    return ([f"{m} (not installed)" for m in p.needs if importlib.util.find_spec(m) is None]
            + [f"{GIVEN_FROM[g]} (for given {g})" for g in p.given if g in GIVEN_FROM and not GIVEN_FROM[g].exists()])


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    """Every runnable plan, run once in parallel (a thread per subprocess; longest blocks first)."""
    if not Path(_entry_point()).exists():
        pytest.fail(f"the aifootprint console script is not installed beside {sys.executable}")
    root = tmp_path_factory.mktemp("docs-examples")
    todo = [p for p in PLANS if p.skip_reason is None and not p.errors and p.commands and not _missing(p)]
    todo.sort(key=lambda p: -len(p.commands))
    workers = max(2, (os.cpu_count() or 2) + 1)
    with fake_openai() as url, ThreadPoolExecutor(max_workers=workers) as pool:
        futures: dict[str, Future[Outcome]] = {
            p.block.ident: pool.submit(execute, p, root / f"{i:03d}", url) for i, p in enumerate(todo)}
        return {ident: f.result() for ident, f in futures.items()}


@pytest.mark.parametrize("p", PLANS, ids=[p.block.ident for p in PLANS])
def test_documented_example_runs(p: Plan, outcomes: dict[str, Outcome]) -> None:
    assert not p.errors, f"{p.block.ident}: " + "; ".join(p.errors)
    if p.skip_reason is not None:
        pytest.skip(f"marked in the doc: {p.skip_reason}")
    if not p.commands:
        pytest.skip("every command marked in the doc: " + "; ".join(r for _, r in p.skipped))
    if missing := _missing(p):
        pytest.skip(f"needs what this machine lacks: {', '.join(missing)}")
    outcome = outcomes[p.block.ident]
    assert outcome.failure is None, (f"{p.block.ident}: {outcome.failure}\n(fix the example, or mark what it cannot "
                                     "do here: see this test's docstring)")


def test_every_docs_test_marker_sits_right_before_a_block() -> None:
    """A marker separated from its block (a blank line, prose) would be ignored, and the block run or skipped
    against the writer's intent."""
    stray = []
    for doc in doc_files():
        lines = doc.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if MARKER.match(line):
                k = i + 1
                while k < len(lines) and lines[k].lstrip().startswith("<!--"):
                    k += 1
                if k == len(lines) or not FENCE.match(lines[k]):
                    stray.append(f"{rel(doc)}:{i + 1}: {line.strip()}")
    assert not stray, "docs-test markers not directly above a fenced block:\n" + "\n".join(stray)


def test_the_docs_have_examples_to_run() -> None:
    """The extraction finds the examples (a broken parser would otherwise pass with nothing to run)."""
    runnable = [p for p in PLANS if p.skip_reason is None and p.commands]
    assert sum(p.kind == "python" for p in runnable) >= 3
    assert sum(len(p.commands) for p in runnable if p.kind == "shell") >= 20
