"""The signature-verifying receiver as a real server: started on 127.0.0.1 in front of a stub upstream on loopback.

Every test talks HTTP over real sockets; loops are bounded in count and every wait has a timeout. Nothing asserts a
duration: timeouts are checked by what happened (a trickling client was cut off before it finished), not how fast.
"""

import ast
import base64
import hmac
import http.client
import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from pulumi_metaflow_blueprints.webhooks.verifier import SCRIPT_NAME, source
from pulumi_metaflow_blueprints.webhooks.verifier.server import (
    PRESETS,
    Config,
    ConfigError,
    VerifierServer,
    build_server,
    decode_signature,
    read_secret,
)

SERVER_FILE = Path(source.__code__.co_filename).parent / "server.py"
SECRET = "whsec-Zr8mQ2v9Lw4t"
TOKEN = "bearer-Tk7Yp3nD6c"
WAIT = 10.0
"""The longest any single socket operation of a test may block."""


# -- the stub upstream: a real HTTP server on loopback recording what it receives ----------------------------------


@dataclass
class Received:
    path: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]


@dataclass
class Stub:
    server: ThreadingHTTPServer
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    status: int = 200
    delay: float = 0.0
    close_silently: bool = False
    chunked: bool = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/argo/webhook"

    def taken(self) -> list[Received]:
        with self.lock:
            return list(self.received)


def start_stub() -> Stub:
    stub: Stub

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with stub.lock:
                stub.received.append(Received(self.path, list(self.headers.items()), body))
            if stub.delay:
                time.sleep(stub.delay)
            if stub.chunked:
                head = f"HTTP/1.1 {stub.status} X\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                self.wfile.write(head.encode() + b"3\r\nsuc\r\n4;x=y\r\ncess\r\n0\r\nX-Trailer: t\r\n\r\n")
            else:
                head = f"HTTP/1.1 {stub.status} X\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n\r\n"
                self.wfile.write(head.encode() + b"success")
            if stub.close_silently:
                self.close_connection = True  # closes after answering, without saying so

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    stub = Stub(server)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return stub


class Log(io.StringIO):
    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.getvalue().splitlines()]

    def verdicts(self) -> list[str]:
        return [r["verdict"] for r in self.records()]


@dataclass
class Running:
    server: VerifierServer
    stub: Stub
    log: Log
    config: Config

    @property
    def port(self) -> int:
        return self.server.server_port

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=WAIT)

    def post(self, body: bytes, headers: dict[str, str], path: str | None = None) -> tuple[int, bytes, Any]:
        conn = self.connection()
        try:
            conn.request("POST", path or self.config.path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.read(), response
        finally:
            conn.close()

    def get(self, path: str) -> int:
        conn = self.connection()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()

    def wait_logged(self, count: int) -> list[dict[str, Any]]:
        """The log once it holds ``count`` lines (a line is written just after the answer)."""
        for _ in range(200):
            records = self.log.records()
            if len(records) >= count:
                return records
            time.sleep(0.01)
        return self.log.records()


@pytest.fixture
def stub() -> Iterator[Stub]:
    stub = start_stub()
    yield stub
    stub.server.shutdown()
    stub.server.server_close()


@pytest.fixture
def start(tmp_path: Path, stub: Stub) -> Iterator[Any]:
    started: list[VerifierServer] = []

    def run(preset: str | None = "github", **overrides: Any) -> Running:
        secret_file = tmp_path / "secret"
        token_file = tmp_path / "token"
        secret_file.write_text(SECRET + "\n")
        token_file.write_text(TOKEN + "\n")
        values: dict[str, Any] = {
            "secret_file": str(secret_file),
            "upstream_url": stub.url,
            "upstream_token_file": str(token_file),
            "bind": "127.0.0.1",
            "port": 0,
            "path": "/hooks/in",
            "preset": preset,
            **PRESETS.get(preset or "", {}),
        }
        values.update(overrides)
        config = Config(**values)
        log = Log()
        server = build_server(config, log=log)
        started.append(server)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return Running(server, stub, log, config)

    yield run
    for server in started:
        server.shutdown()
        server.server_close()


def sign(body: bytes, secret: str = SECRET, algorithm: str = "sha256") -> bytes:
    return hmac.new(secret.encode(), body, algorithm).digest()


def signed_headers(preset: str, body: bytes, **extra: str) -> dict[str, str]:
    digest = sign(body)
    value = {"dbt-cloud": digest.hex(), "fivetran": digest.hex().upper(), "github": "sha256=" + digest.hex()}[preset]
    return {PRESETS[preset]["header"]: value, "Content-Type": "application/json", **extra}


BODY = '{"eventType": "job.run.completed", "data": {"runId": "42", "name": "caf\u00e9"}}  \n'.encode()


# -- valid signatures: forwarded byte for byte -------------------------------------------------------------------


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_valid_signature_is_forwarded_byte_for_byte(start: Any, preset: str) -> None:
    running: Running = start(preset)
    headers = signed_headers(preset, BODY, **{"X-Request-Id": "req-1", "User-Agent": "sender/1.0"})
    if preset != "dbt-cloud":
        headers["Authorization"] = "Basic c2VuZGVyOnNlY3JldA=="  # replaced, never passed on
    status, answer, response = running.post(BODY, headers)
    assert (status, answer) == (200, b"success")
    assert response.getheader("Content-Type") == "text/plain"
    [got] = running.stub.taken()
    assert got.body == BODY
    assert got.path == "/argo/webhook"
    assert got.header("Authorization") == [f"Bearer {TOKEN}"]
    assert got.header("Content-Type") == ["application/json"]
    assert got.header("X-Request-Id") == ["req-1"]
    assert got.header("User-Agent") == ["sender/1.0"]
    assert got.header("Content-Length") == [str(len(BODY))]
    assert got.header("Host") == [f"127.0.0.1:{running.stub.server.server_address[1]}"]
    assert got.header("X-Forwarded-For") == ["127.0.0.1"]
    assert got.header(PRESETS[preset]["header"]) == ([f"Bearer {TOKEN}"] if preset == "dbt-cloud" else [])
    [record] = running.wait_logged(1)
    assert record["verdict"] == "forwarded" and record["status"] == 200 and record["upstream_status"] == 200
    assert record["bytes"] == len(BODY) and record["method"] == "POST" and record["path"] == "/hooks/in"


def test_hex_in_either_case_and_repeated_headers_are_kept(start: Any) -> None:
    running: Running = start("fivetran")
    conn = running.connection()
    conn.putrequest("POST", "/hooks/in?ignored=1")
    for name, value in [
        ("X-Fivetran-Signature-256", sign(BODY).hex()),  # lower case verifies too
        ("Content-Type", "application/json"),
        ("X-Tag", "one"),
        ("X-Tag", "two"),
        ("X-Forwarded-For", "203.0.113.9"),
        ("Connection", "keep-alive, X-Hop"),
        ("X-Hop", "dropped"),
        ("Keep-Alive", "timeout=5"),
        ("Content-Length", str(len(BODY))),
    ]:
        conn.putheader(name, value)
    conn.endheaders(BODY)
    response = conn.getresponse()
    assert response.status == 200
    response.read()
    conn.close()
    [got] = running.stub.taken()
    assert got.body == BODY
    assert got.header("X-Tag") == ["one", "two"]
    assert got.header("X-Forwarded-For") == ["203.0.113.9, 127.0.0.1"]
    assert got.header("X-Hop") == got.header("Keep-Alive") == got.header("Connection") == []


def test_custom_base64_sha512_signature(start: Any) -> None:
    running: Running = start(None, header="X-Signature", prefix="v1,", algorithm="sha512", encoding="base64")
    value = "v1," + base64.b64encode(sign(BODY, algorithm="sha512")).decode()
    assert running.post(BODY, {"X-Signature": value})[0] == 200
    assert [r.body for r in running.stub.taken()] == [BODY]


def test_keep_alive_connection_serves_many_requests(start: Any) -> None:
    running: Running = start("github")
    conn = running.connection()
    for i in range(5):
        body = b'{"n": %d}' % i
        conn.request("POST", "/hooks/in", body=body, headers=signed_headers("github", body))
        response = conn.getresponse()
        assert response.status == 200
        response.read()
    conn.close()
    assert [r.body for r in running.stub.taken()] == [b'{"n": %d}' % i for i in range(5)]


# -- rejected: 401, never forwarded --------------------------------------------------------------------------------


def _rejections() -> list[tuple[str, str, bytes, dict[str, str]]]:
    good = sign(BODY)
    other = BODY.replace(b"42", b"43")
    cases: list[tuple[str, str, bytes, dict[str, str]]] = [
        ("missing", "github", BODY, {}),
        ("empty", "github", BODY, {"X-Hub-Signature-256": ""}),
        ("prefix only", "github", BODY, {"X-Hub-Signature-256": "sha256="}),
        ("wrong secret", "github", BODY, {"X-Hub-Signature-256": "sha256=" + sign(BODY, "other").hex()}),
        ("truncated", "github", BODY, {"X-Hub-Signature-256": "sha256=" + good.hex()[:-2]}),
        ("one hex digit short", "dbt-cloud", BODY, {"Authorization": good.hex()[:-1]}),
        ("extra byte", "dbt-cloud", BODY, {"Authorization": good.hex() + "00"}),
        ("sha1 length", "github", BODY, {"X-Hub-Signature-256": "sha256=" + sign(BODY, algorithm="sha1").hex()}),
        ("sha1 header form", "github", BODY, {"X-Hub-Signature-256": "sha1=" + sign(BODY, algorithm="sha1").hex()}),
        ("sha512 digest", "fivetran", BODY, {"X-Fivetran-Signature-256": sign(BODY, algorithm="sha512").hex()}),
        ("base64 not hex", "fivetran", BODY, {"X-Fivetran-Signature-256": base64.b64encode(good).decode()}),
        ("no prefix", "github", BODY, {"X-Hub-Signature-256": good.hex()}),
        ("bearer form", "dbt-cloud", BODY, {"Authorization": "Bearer " + good.hex()}),
        ("not hex", "dbt-cloud", BODY, {"Authorization": "zz" + good.hex()[2:]}),
        ("spaced hex", "dbt-cloud", BODY, {"Authorization": " ".join([good.hex()[:32], good.hex()[32:]])}),
        ("body modified", "github", other, {"X-Hub-Signature-256": "sha256=" + good.hex()}),
        ("body truncated", "github", BODY[:-1], {"X-Hub-Signature-256": "sha256=" + good.hex()}),
        ("empty body", "github", b"", {"X-Hub-Signature-256": "sha256=" + good.hex()}),
        ("signature of nothing", "github", BODY, {"X-Hub-Signature-256": "sha256=" + sign(b"").hex()}),
    ]
    return cases


@pytest.mark.parametrize(("case", "preset", "body", "headers"), _rejections(), ids=[c[0] for c in _rejections()])
def test_bad_signature_is_rejected_and_not_forwarded(
    start: Any, case: str, preset: str, body: bytes, headers: dict[str, str]
) -> None:
    running: Running = start(preset)
    status, answer, _ = running.post(body, {"Content-Type": "application/json", **headers})
    assert (status, answer) == (401, b""), case
    assert running.stub.taken() == []
    assert running.wait_logged(1)[0]["verdict"] == "rejected-signature"


def test_two_signature_headers_are_rejected(start: Any) -> None:
    running: Running = start("github")
    conn = running.connection()
    conn.putrequest("POST", "/hooks/in")
    conn.putheader("X-Hub-Signature-256", "sha256=" + sign(BODY).hex())
    conn.putheader("X-Hub-Signature-256", "sha256=" + sign(BODY).hex())
    conn.putheader("Content-Length", str(len(BODY)))
    conn.endheaders(BODY)
    response = conn.getresponse()
    assert (response.status, response.read()) == (401, b"")
    conn.close()
    assert running.stub.taken() == []


def test_unit_decode_signature() -> None:
    digest = bytes(range(32))
    assert decode_signature(digest.hex().upper(), "", "hex", 32) == digest
    assert decode_signature(" sha256=" + digest.hex() + " ", "sha256=", "hex", 32) == digest
    assert decode_signature("SHA256=" + digest.hex(), "sha256=", "hex", 32) == digest
    assert decode_signature(base64.b64encode(digest).decode(), "", "base64", 32) == digest
    assert decode_signature(base64.b64encode(digest).decode().rstrip("="), "", "base64", 32) is None
    assert decode_signature(base64.urlsafe_b64encode(b"\xfb" * 32).decode(), "", "base64", 32) is None
    assert decode_signature("\u00e9" * 64, "", "hex", 32) is None


def test_secret_file_strips_one_newline_only(tmp_path: Path) -> None:
    for text, expected in [(b"abc\n", b"abc"), (b"abc\r\n", b"abc"), (b"abc\n\n", b"abc\n"), (b" abc ", b" abc ")]:
        (tmp_path / "s").write_bytes(text)
        assert read_secret(str(tmp_path / "s")) == expected


# -- size limits and malformed requests ----------------------------------------------------------------------------


def raw_exchange(port: int, data: bytes, read_until_close: bool = True) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as sock:
        sock.sendall(data)
        chunks: list[bytes] = []
        for _ in range(1000):
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
            if not read_until_close and b"\r\n\r\n" in b"".join(chunks):
                break
        return b"".join(chunks)


def test_oversized_body_is_refused_without_reading(start: Any) -> None:
    running: Running = start("github", max_body_bytes=1000)
    head = b"POST /hooks/in HTTP/1.1\r\nHost: x\r\nX-Hub-Signature-256: sha256=00\r\nContent-Length: 1001\r\n\r\n"
    answer = raw_exchange(running.port, head)  # the body is never sent: the answer must not wait for it
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"Connection: close" in answer
    # a client that sends the whole oversized body still reads the 413
    big = b"x" * 200_000
    status, _, _ = running.post(big, {"X-Hub-Signature-256": "sha256=" + sign(big).hex()})
    assert status == 413
    # exactly at the limit is fine
    limit = b"y" * 1000
    assert running.post(limit, signed_headers("github", limit))[0] == 200
    assert [len(r.body) for r in running.stub.taken()] == [1000]
    assert running.wait_logged(3)[:2] == [r for r in running.log.records() if r["verdict"] == "too-large"]


@pytest.mark.parametrize(
    ("head", "status"),
    [
        (b"POST /hooks/in HTTP/1.1\r\nHost: x\r\n\r\n", 411),
        (b"POST /hooks/in HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 411),
        (b"POST /hooks/in HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\nhello", 400),
        (b"POST /hooks/in HTTP/1.1\r\nHost: x\r\nContent-Length: five\r\n\r\nhello", 400),
        (b"POST /hooks/in HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\nhello", 400),
        (b"POST /hooks/in HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
        (b"GARBAGE\r\n\r\n", 400),
        (b"POST /elsewhere HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}", 404),
        (b"PUT /hooks/in HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}", 405),
        (b"GET /hooks/in HTTP/1.1\r\nHost: x\r\n\r\n", 405),
    ],
)
def test_malformed_requests_are_refused(start: Any, head: bytes, status: int) -> None:
    running: Running = start("github")
    answer = raw_exchange(running.port, head, read_until_close=status == 405 and head.startswith(b"PUT"))
    assert answer.startswith(f"HTTP/1.1 {status} ".encode()), answer[:80]
    assert running.stub.taken() == []


def test_expect_continue_with_oversized_length_gets_413_first(start: Any) -> None:
    running: Running = start("github", max_body_bytes=10)
    head = b"POST /hooks/in HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n"
    assert raw_exchange(running.port, head).startswith(b"HTTP/1.1 413 ")


# -- timeouts --------------------------------------------------------------------------------------------------------


def trickle(port: int, head: bytes, drip: bytes, pause: float, most: int) -> tuple[int, bytes]:
    """Send ``head``, then ``drip`` one byte at a time; returns (bytes dripped before the server cut off, answer)."""
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as sock:
        sock.sendall(head)
        for byte in drip[:most]:
            readable = select_readable(sock, pause)
            if readable:
                break
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                break
            sent += 1
        chunks: list[bytes] = []
        for _ in range(100):
            try:
                chunk = sock.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return sent, b"".join(chunks)


def select_readable(sock: socket.socket, seconds: float) -> bool:
    import select

    return bool(select.select([sock], [], [], seconds)[0])


def test_client_trickling_its_body_is_cut_off(start: Any) -> None:
    running: Running = start("github", read_timeout=1.0)
    body = b"z" * 100
    head = (
        b"POST /hooks/in HTTP/1.1\r\nHost: x\r\nX-Hub-Signature-256: sha256="
        + sign(body).hex().encode()
        + b"\r\nContent-Length: 100\r\n\r\n"
    )
    # one byte every 0.2 s would need 20 s for the body; the read timeout is 1 s
    sent, answer = trickle(running.port, head, body, pause=0.2, most=len(body))
    assert sent < len(body)
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert running.stub.taken() == []
    assert running.wait_logged(1)[0]["verdict"] == "timeout"


def test_client_trickling_its_headers_is_cut_off(start: Any) -> None:
    running: Running = start("github", read_timeout=1.0)
    headers = b"X-Slow: " + b"s" * 100 + b"\r\n\r\n"
    sent, answer = trickle(running.port, b"POST /hooks/in HTTP/1.1\r\n", headers, pause=0.2, most=len(headers))
    assert sent < len(headers)
    assert answer.startswith(b"HTTP/1.1 408 ") or answer == b""
    assert running.stub.taken() == []


def test_idle_connection_is_closed(start: Any) -> None:
    running: Running = start("github", read_timeout=0.5)
    with socket.create_connection(("127.0.0.1", running.port), timeout=WAIT) as sock:
        assert sock.recv(1) == b""  # closed by the server (the recv timeout would raise instead)


def test_upstream_down_is_502_and_slow_upstream_is_504(start: Any, stub: Stub) -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        closed_port = free.getsockname()[1]
    running: Running = start("github", upstream_url=f"http://127.0.0.1:{closed_port}/x")
    assert running.post(BODY, signed_headers("github", BODY))[:2] == (502, b"")
    slow: Running = start("github", upstream_timeout=0.3)
    stub.delay = 2.0
    assert slow.post(BODY, signed_headers("github", BODY))[:2] == (504, b"")
    assert [r["verdict"] for r in running.wait_logged(1)] == ["upstream-error"]
    assert [r["verdict"] for r in slow.wait_logged(1)] == ["upstream-timeout"]


def test_upstream_status_is_passed_back(start: Any, stub: Stub) -> None:
    running: Running = start("github")
    stub.status = 503
    assert running.post(BODY, signed_headers("github", BODY))[:2] == (503, b"success")
    assert running.wait_logged(1)[0]["upstream_status"] == 503


def test_upstream_closing_or_chunking_its_answers(start: Any, stub: Stub) -> None:
    running: Running = start("github")
    conn = running.connection()
    for close_silently, chunked in [(True, False), (False, True), (True, True), (False, False)] * 2:
        stub.close_silently, stub.chunked = close_silently, chunked
        body = json.dumps({"close": close_silently, "chunked": chunked, "n": len(stub.taken())}).encode()
        conn.request("POST", "/hooks/in", body=body, headers=signed_headers("github", body))
        response = conn.getresponse()
        assert (response.status, response.read()) == (200, b"success")
        time.sleep(0.05)  # let a silent close reach the verifier's pooled connection (no assertion on time)
    conn.close()
    assert len(stub.taken()) == 8
    assert len({r.body for r in stub.taken()}) == 8


# -- load: every request forwarded exactly once ---------------------------------------------------------------------


def test_2000_signed_requests_from_20_clients_are_each_forwarded_once(start: Any) -> None:
    running: Running = start("github")
    clients, per_client = 20, 100
    statuses: Counter[int] = Counter()
    errors: list[BaseException] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        conn = running.connection()
        try:
            for i in range(per_client):
                body = json.dumps({"id": f"{number}-{i}", "pad": "p" * (i % 7) * 50}).encode()
                conn.request("POST", "/hooks/in", body=body, headers=signed_headers("github", body))
                response = conn.getresponse()
                response.read()
                with lock:
                    statuses[response.status] += 1
        except BaseException as error:
            with lock:
                errors.append(error)
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 300
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    assert not any(t.is_alive() for t in threads), "clients did not finish in 300 s"
    assert errors == []
    assert statuses == Counter({200: clients * per_client})
    ids = Counter(json.loads(r.body)["id"] for r in running.stub.taken())
    assert len(ids) == clients * per_client
    assert set(ids.values()) == {1}
    assert Counter(running.wait_logged(2000 + 0)[i]["verdict"] for i in range(2000)) == Counter({"forwarded": 2000})


def test_connections_over_the_limit_get_503(start: Any) -> None:
    running: Running = start("github", max_connections=2, read_timeout=5.0)
    held = [socket.create_connection(("127.0.0.1", running.port), timeout=WAIT) for _ in range(2)]
    try:
        for sock in held:
            sock.sendall(b"POST /hooks/in HTTP/1.1\r\n")  # begun, never finished: each holds its slot
        time.sleep(0.2)  # let the server accept both (no assertion on time)
        answer = b""
        for _ in range(20):
            with socket.create_connection(("127.0.0.1", running.port), timeout=WAIT) as extra:
                answer = extra.recv(65536)  # answered on arrival, before any request is read
            if answer.startswith(b"HTTP/1.1 503 "):
                break
            time.sleep(0.1)
        assert answer.startswith(b"HTTP/1.1 503 ")
    finally:
        for sock in held:
            sock.close()
    status = 0
    for _ in range(50):  # the slots come back
        try:
            status = running.get("/healthz")
        except OSError:
            status = 0
        if status == 200:
            break
        time.sleep(0.1)
    assert status == 200
    assert "overloaded" in running.log.verdicts()


# -- health, logs, source ---------------------------------------------------------------------------------------------


def test_health_endpoints(start: Any) -> None:
    running: Running = start("github")
    assert running.get("/healthz") == 200
    assert running.get("/readyz") == 200
    Path(running.config.secret_file).write_text("")
    assert running.get("/readyz") == 503
    assert running.post(BODY, signed_headers("github", BODY))[0] == 503  # no secret: nothing verifies
    Path(running.config.secret_file).unlink()
    assert running.get("/readyz") == 503
    assert running.get("/healthz") == 200
    Path(running.config.secret_file).write_text(SECRET)  # a rotated secret is read again
    assert running.get("/readyz") == 200
    assert running.post(BODY, signed_headers("github", BODY))[0] == 200
    assert running.get("/nowhere") == 404


def test_log_lines_carry_no_secret(start: Any) -> None:
    running: Running = start("dbt-cloud")
    marker = b"BODY-MARKER-7f3a"
    body = b'{"m": "' + marker + b'"}'
    good = signed_headers("dbt-cloud", body)
    running.post(body, good)
    running.post(body, {"Authorization": sign(body, "guess").hex()})
    running.post(body, {"Authorization": "Bearer " + TOKEN})
    records = running.wait_logged(3)
    text = running.log.getvalue()
    for forbidden in [SECRET, TOKEN, sign(body).hex(), sign(body, "guess").hex(), marker.decode()]:
        assert forbidden.lower() not in text.lower()
    assert [r["verdict"] for r in records] == ["forwarded", "rejected-signature", "rejected-signature"]
    for record in records:
        assert set(record) >= {"time", "method", "path", "verdict", "status", "bytes", "latency_ms"}
        assert record["time"].endswith("Z")


def test_source_is_python_3_9_standard_library_only() -> None:
    text = source()
    assert text == SERVER_FILE.read_text()
    assert SCRIPT_NAME == "verifier.py"
    tree = ast.parse(text, feature_version=(3, 9))
    for node in ast.walk(tree):
        assert not isinstance(node, ast.Match)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):  # X | Y types are 3.10+ at runtime
            assert not any(
                isinstance(side, ast.Name) and side.id in {"str", "int", "None"} for side in (node.left, node.right)
            )
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported <= set(sys.stdlib_module_names)
    assert "pulumi_metaflow_blueprints" not in text.split('"""', 2)[2]  # no import of the package


def test_config_errors() -> None:
    base = {
        "VERIFIER_SECRET_FILE": "/s",
        "VERIFIER_UPSTREAM_URL": "http://es-svc:12000/hook",
        "VERIFIER_PRESET": "github",
    }
    config = Config.from_env(base)
    assert (config.header, config.prefix, config.algorithm, config.encoding) == (
        "X-Hub-Signature-256",
        "sha256=",
        "sha256",
        "hex",
    )
    assert Config.from_env({**base, "VERIFIER_SIGNATURE_PREFIX": ""}).prefix == ""
    for change, named in [
        ({"VERIFIER_PRESET": "stripe"}, "VERIFIER_PRESET"),
        ({"VERIFIER_SECRET_FILE": ""}, "VERIFIER_SECRET_FILE"),
        ({"VERIFIER_UPSTREAM_URL": "ftp://x/y"}, "VERIFIER_UPSTREAM_URL"),
        ({"VERIFIER_PRESET": "", "VERIFIER_SIGNATURE_HEADER": ""}, "VERIFIER_SIGNATURE_HEADER"),
        ({"VERIFIER_SIGNATURE_ALGORITHM": "md5"}, "VERIFIER_SIGNATURE_ALGORITHM"),
        ({"VERIFIER_SIGNATURE_ENCODING": "base32"}, "VERIFIER_SIGNATURE_ENCODING"),
        ({"VERIFIER_MAX_BODY_BYTES": "lots"}, "VERIFIER_MAX_BODY_BYTES"),
        ({"VERIFIER_READ_TIMEOUT_SECONDS": "0"}, "VERIFIER_READ_TIMEOUT_SECONDS"),
        ({"VERIFIER_PATH": "/healthz"}, "VERIFIER_PATH"),
    ]:
        with pytest.raises(ConfigError, match=named):
            Config.from_env({**base, **change})
    assert replace(config, port=1).port == 1


# -- the script itself: run as `python verifier.py`, stopped by SIGTERM ---------------------------------------------


def test_script_runs_and_stops_gracefully_on_sigterm(tmp_path: Path, stub: Stub) -> None:
    script = tmp_path / SCRIPT_NAME
    script.write_text(source())
    (tmp_path / "secret").write_text(SECRET + "\n")
    (tmp_path / "token").write_text(TOKEN)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "VERIFIER_PRESET": "fivetran",
        "VERIFIER_SECRET_FILE": str(tmp_path / "secret"),
        "VERIFIER_UPSTREAM_TOKEN_FILE": str(tmp_path / "token"),
        "VERIFIER_UPSTREAM_URL": stub.url,
        "VERIFIER_BIND_ADDRESS": "127.0.0.1",
        "VERIFIER_PORT": "0",
        "VERIFIER_PATH": "/fivetran",
    }
    process = subprocess.Popen(
        [sys.executable, str(script)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        first = json.loads(process.stdout.readline())
        assert first["event"] == "listening" and first["preset"] == "fivetran"
        conn = http.client.HTTPConnection("127.0.0.1", first["port"], timeout=WAIT)
        conn.request("POST", "/fivetran", body=BODY, headers=signed_headers("fivetran", BODY))
        assert conn.getresponse().status == 200
        conn.close()
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line.get("verdict") for line in lines] == ["forwarded", None]
    assert lines[-1] == {"event": "stopped", "drained": True}
    assert [r.header("Authorization") for r in stub.taken()] == [[f"Bearer {TOKEN}"]]


def test_script_refuses_a_bad_configuration(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SERVER_FILE)],
        env={"PATH": os.environ.get("PATH", ""), "VERIFIER_UPSTREAM_URL": "http://x/y"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == "error: VERIFIER_SECRET_FILE is required\n"
