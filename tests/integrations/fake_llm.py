"""A local fake of the OpenAI (chat completions, legacy completions, responses) and Anthropic (messages) HTTP APIs
on 127.0.0.1.

Models named ``fail-*`` answer HTTP 500; ``bad-*`` answer 400; ``midfail-*`` streams break with an error event;
``flaky-<model>`` answers 503 to every other request (then as ``<model>``); ``slow-<model>`` answers after 1 s;
Anthropic ``thinking-<model>`` reports thinking tokens and, in its final usage, input tokens a server tool added.
Streams are server-sent events; OpenAI chat streams
carry usage in a last chunk only when ``stream_options.include_usage`` is true (as the real API does), and a running
usage in every chunk too when ``stream_options.continuous_usage_stats`` is true (as vLLM does).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

USAGE = {"prompt_tokens": 1200, "completion_tokens": 300, "total_tokens": 1500,
         "prompt_tokens_details": {"cached_tokens": 200},
         "completion_tokens_details": {"reasoning_tokens": 100}}


def send_json(handler: BaseHTTPRequestHandler, code: int, body: Any) -> None:
    """Answer ``handler``'s request with ``body`` as JSON and HTTP status ``code``."""
    data = json.dumps(body).encode()
    handler.send_response(code)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # many parallel calls (asyncio.gather, thread pools); the default backlog is 5
    daemon_threads = True


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler], **attrs: Any) -> Iterator[tuple[str, list[Any]]]:
    """Serve ``handler`` on 127.0.0.1 (free port) in a thread; the server carries ``seen = []`` (what the handler
    records) and ``attrs``. Yields (base URL, ``seen``)."""
    server: Any = _Server(("127.0.0.1", 0), handler)
    server.seen = []
    for name, value in attrs.items():
        setattr(server, name, value)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _Handler(BaseHTTPRequestHandler):
    requests: list[dict[str, Any]]

    def log_message(self, *args: Any) -> None:
        pass

    def _json(self, code: int, body: dict[str, Any]) -> None:
        send_json(self, code, body)

    def _sse(self, events: list[tuple[str | None, dict[str, Any] | str]]) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for name, ev in events:
            line = (f"event: {name}\n" if name else "") + "data: " + (ev if isinstance(ev, str) else json.dumps(ev))
            self.wfile.write((line + "\n\n").encode())
            self.wfile.flush()

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.seen.append((self.path, body))  # type: ignore[attr-defined]
        model = str(body.get("model", ""))
        if model.startswith("fail-"):
            self._json(500, {"error": {"message": "upstream failure", "type": "server_error"}})
            return
        if model.startswith("bad-"):
            self._json(400, {"error": {"message": "bad request", "type": "invalid_request_error"}})
            return
        if model.startswith("flaky-"):  # 503 on every other request: the SDK's retry succeeds
            self.server.flaky = not getattr(self.server, "flaky", False)  # type: ignore[attr-defined]
            if self.server.flaky:  # type: ignore[attr-defined]
                self._json(503, {"error": {"message": "try again", "type": "server_error"}})
                return
            model = body["model"] = model.removeprefix("flaky-")
        if model.startswith("slow-"):  # answers after 1 s: a shorter client timeout fails the call
            time.sleep(1.0)
            model = body["model"] = model.removeprefix("slow-")
        if self.path.endswith("/chat/completions"):
            self._chat(body, model)
        elif self.path.endswith("/completions"):  # OpenAI's legacy text completions
            self._json(200, {"id": "cmpl-1", "object": "text_completion", "created": 0, "model": model,
                             "usage": {"prompt_tokens": 1200, "completion_tokens": 300, "total_tokens": 1500},
                             "choices": [{"index": 0, "text": "hello", "finish_reason": "stop", "logprobs": None}]})
        elif self.path.endswith("/responses"):
            self._responses(body, model)
        elif self.path.endswith("/messages"):
            self._messages(body, model)
        else:
            self._json(404, {"error": {"message": "not found"}})

    def _chat(self, body: dict[str, Any], model: str) -> None:
        base = {"id": "chatcmpl-1", "created": 0, "model": model}
        if not body.get("stream"):
            self._json(200, {**base, "object": "chat.completion", "usage": USAGE, "choices": [
                {"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "hello"}}]})
            return
        chunk = {**base, "object": "chat.completion.chunk"}
        options = body.get("stream_options") or {}

        def delta(d: dict[str, Any], finish: str | None = None) -> tuple[None, dict[str, Any]]:
            return None, {**chunk, "choices": [{"index": 0, "delta": d, "finish_reason": finish}]}

        # as the real API: a first chunk with the role and no text, one chunk per token, a last one with the finish
        # reason and no text; with ``tools``, the tokens are a tool call's argument pieces instead of text
        if body.get("tools"):
            tokens = [delta({"tool_calls": [{"index": 0, "id": "call_1", "type": "function",
                                             "function": {"name": "f", "arguments": ""}}]})]
            tokens += [delta({"tool_calls": [{"index": 0, "function": {"arguments": w}}]}) for w in ('{"a"', ":", "1}")]
            finish = "tool_calls"
        else:
            tokens = [delta({"content": w}) for w in ("a", "b", "c")]
            finish = "stop"
        events: list[tuple[str | None, dict[str, Any] | str]] = [
            delta({"role": "assistant", "content": ""}), *tokens, delta({}, finish)]
        if options.get("continuous_usage_stats"):  # vLLM: running usage in every chunk (cumulative counts)
            for ev in events:
                assert isinstance(ev[1], dict)
                k = min(events.index(ev), len(events) - 2)  # 0 for the role chunk; the finish chunk repeats the last
                ev[1]["usage"] = {"prompt_tokens": 1200, "completion_tokens": k, "total_tokens": 1200 + k}
        if model.startswith("midfail-"):  # an error event in the middle of the stream
            events = [*events[:2], (None, {"error": {"message": "overloaded", "type": "server_error"}})]
        elif options.get("include_usage"):
            events.append((None, {**chunk, "choices": [], "usage": USAGE}))
        events.append((None, "[DONE]"))
        self._sse(events)

    def _responses(self, body: dict[str, Any], model: str) -> None:
        usage = {"input_tokens": 1200, "output_tokens": 300, "total_tokens": 1500,
                 "input_tokens_details": {"cached_tokens": 200}, "output_tokens_details": {"reasoning_tokens": 100}}
        resp = {"id": "resp_1", "object": "response", "created_at": 0, "model": model, "status": "completed",
                "output": [], "parallel_tool_calls": False, "tool_choice": "auto", "tools": [], "usage": usage}
        if not body.get("stream"):
            self._json(200, resp)
            return
        started = {**resp, "status": "in_progress", "usage": None}
        part = {"type": "output_text", "text": "", "annotations": []}
        item = {"id": "m1", "type": "message", "role": "assistant", "status": "in_progress", "content": []}
        done = {**item, "status": "completed", "content": [{**part, "text": "hi"}]}
        where = {"item_id": "m1", "output_index": 0, "content_index": 0}
        events: list[tuple[str, dict[str, Any]]] = [
            ("response.created", {"response": started}),
            ("response.output_item.added", {"output_index": 0, "item": item}),
            ("response.content_part.added", {**where, "part": part}),
            ("response.output_text.delta", {**where, "delta": "hi", "logprobs": []}),
            ("response.output_text.done", {**where, "text": "hi", "logprobs": []}),
            ("response.content_part.done", {**where, "part": {**part, "text": "hi"}}),
            ("response.output_item.done", {"output_index": 0, "item": done}),
            ("response.completed", {"response": {**resp, "output": [done]}}),
        ]
        self._sse([(name, {"type": name, "sequence_number": k, **ev}) for k, (name, ev) in enumerate(events)])

    def _messages(self, body: dict[str, Any], model: str) -> None:
        usage: dict[str, Any] = {"input_tokens": 1000, "output_tokens": 300, "cache_read_input_tokens": 200,
                                 "cache_creation_input_tokens": 0}
        start_usage = {**usage, "output_tokens": 1}
        delta_usage: dict[str, Any] = {"output_tokens": 300}
        if model.startswith("thinking-"):  # extended thinking and a server tool (web search): the final usage adds
            model = model.removeprefix("thinking-")  # 500 input tokens fetched mid-turn and has thinking tokens;
            usage = {**usage, "input_tokens": 1500, "output_tokens_details": {"thinking_tokens": 100}}
            delta_usage = {k: v for k, v in usage.items()}  # the current API's message_delta: cumulative counts
        msg = {"id": "msg_1", "type": "message", "role": "assistant", "model": model, "stop_reason": "end_turn",
               "stop_sequence": None, "content": [{"type": "text", "text": "hello"}], "usage": usage}
        if not body.get("stream"):
            self._json(200, msg)
            return
        start = {**msg, "content": [], "usage": start_usage}
        self._sse([
            ("message_start", {"type": "message_start", "message": start}),
            ("content_block_start", {"type": "content_block_start", "index": 0,
                                     "content_block": {"type": "text", "text": ""}}),
            ("content_block_delta", {"type": "content_block_delta", "index": 0,
                                     "delta": {"type": "text_delta", "text": "hello"}}),
            ("content_block_stop", {"type": "content_block_stop", "index": 0}),
            ("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                               "usage": delta_usage}),
            ("message_stop", {"type": "message_stop"}),
        ])


def fake_llm_server() -> AbstractContextManager[tuple[str, list[tuple[str, dict[str, Any]]]]]:
    """Serve on 127.0.0.1 (free port); yields (base URL, list of (path, JSON body) received)."""
    return serve(_Handler)
