"""The signature-verifying webhook receiver: checks each request's HMAC, then forwards it to Argo's webhook EventSource.

One self-contained file using only the Python standard library (3.9 or later), so it runs on a stock
``python:3.x-slim`` image as ``python /app/verifier.py``, its text delivered in a ConfigMap (``source()`` in this
package returns it). Configured by environment variables and by files mounted from Kubernetes Secrets.

What it verifies
    ``POST <VERIFIER_PATH>`` with a ``Content-Length`` body. The signature header is decoded (after its prefix) from hex
    (either case) or base64 into the digest's bytes, which must be exactly the algorithm's digest size, and compared
    with ``hmac.compare_digest`` to the HMAC of the EXACT body bytes under the signing secret. Only a request that
    verifies is forwarded; everything else is answered without detail and never forwarded.

Presets (``VERIFIER_PRESET``; each setting below can still be overridden by its own variable)
    ``dbt-cloud``  ``Authorization: <hex>``: HMAC-SHA256 of the body, hex, no prefix, keyed by the webhook's secret
                   (docs.getdbt.com, "Validate a webhook": ``hmac.new(secret, body, sha256).hexdigest() ==
                   request.headers['authorization']``).
    ``fivetran``   ``X-Fivetran-Signature-256: <hex>``: HMAC-SHA256 of the body, hex, no prefix, keyed by the webhook's
                   ``secret`` (fivetran.com/docs/rest-api webhooks, "Signing"; Fivetran's samples compare the hex
                   case-insensitively, and senders are reported to send it upper case: both cases verify here).
    ``github``     ``X-Hub-Signature-256: sha256=<hex>``: HMAC-SHA256 of the body, lower-case hex, prefix ``sha256=``
                   (docs.github.com, "Validating webhook deliveries"); the same shape many other senders use.

Environment
    ``VERIFIER_SECRET_FILE``                  required: file holding the signing secret (one trailing newline,
                                              ``\\n`` or ``\\r\\n``, is stripped; nothing else); both files are
                                              checked with ``stat`` on every request and read again when changed,
                                              so a rotated Secret applies from the next request
    ``VERIFIER_UPSTREAM_URL``                 required: ``http(s)://host[:port]/path`` of the EventSource Service
    ``VERIFIER_UPSTREAM_TOKEN_FILE``          file holding the bearer token Argo's ``authSecret`` checks; forwarded as
                                              ``Authorization: Bearer <token>`` (unset: no Authorization is sent)
    ``VERIFIER_PRESET``                       ``dbt-cloud``, ``fivetran`` or ``github`` (unset: give the header)
    ``VERIFIER_SIGNATURE_HEADER``             header carrying the signature (required without a preset)
    ``VERIFIER_SIGNATURE_PREFIX``             text before the digest, matched case-insensitively (default none)
    ``VERIFIER_SIGNATURE_ALGORITHM``          ``sha256`` (default), ``sha1`` or ``sha512``
    ``VERIFIER_SIGNATURE_ENCODING``           ``hex`` (default; either case) or ``base64`` (standard alphabet, padded)
    ``VERIFIER_PATH``                         the path senders post to (default ``/``); the query string is ignored
    ``VERIFIER_PORT``                         listening port (default 8080); ``VERIFIER_BIND_ADDRESS`` (``0.0.0.0``)
    ``VERIFIER_MAX_BODY_BYTES``               largest body accepted (default 1048576)
    ``VERIFIER_READ_TIMEOUT_SECONDS``         time allowed to receive one whole request, request line to last body
                                              byte, and to wait idle on a kept-alive connection (default 10)
    ``VERIFIER_UPSTREAM_TIMEOUT_SECONDS``     connect and per-read timeout towards the upstream (default 5)
    ``VERIFIER_MAX_CONNECTIONS``              connections served at once; more are answered 503 (default 64)
    ``VERIFIER_SHUTDOWN_GRACE_SECONDS``       after SIGTERM, how long requests in flight may finish (default 20)
    A configuration error prints ``error: <what>`` to stderr and exits 2.

Forwarding
    Method ``POST`` to the upstream URL's path, the body byte for byte, every request header in order (duplicates kept,
    ``Content-Type`` included) except: hop-by-hop headers (``Connection`` and those it names, ``Keep-Alive``, ``TE``,
    ``Trailer``, ``Transfer-Encoding``, ``Upgrade``, ``Proxy-*``), ``Expect``, ``Host`` (set to the upstream's),
    ``Content-Length`` (recomputed), ``Authorization`` (replaced by ``Bearer <token>``) and the signature header (it
    was checked here; dropping it keeps secret-derived values out of the event data Argo publishes). The sender's
    address is appended to ``X-Forwarded-For``. Kept-alive connections to the upstream are reused; a reused connection
    the upstream had closed is retried once on a fresh one. The sender gets the upstream's status and the first 1 KiB
    of its body.

Status codes
    upstream's  verified and forwarded                      401  missing, malformed, truncated, wrong-length,
    404  other paths                                             wrong-encoding or wrong signature (empty body)
    405  other methods on the path (``Allow: POST``)       411  no Content-Length (chunked bodies included)
    400  malformed request or Content-Length              408  request not received within the read timeout
    413  Content-Length over the limit (body not read)    502  upstream unreachable or broken answer
    503  over VERIFIER_MAX_CONNECTIONS, secret unreadable  504  upstream timed out
    ``GET /healthz`` answers 200 while the process serves; ``GET /readyz`` 200 when the secret (and token) files are
    readable and not empty and no shutdown is under way, else 503. Error answers have an empty body.

Logs
    One JSON line per request on stdout: ``time``, ``client``, ``method``, ``path`` (no query string), ``verdict``
    (``forwarded``, ``rejected-signature``, ``too-large``, ``length-required``, ``bad-request``, ``timeout``,
    ``incomplete``, ``upstream-error``, ``upstream-timeout``, ``not-found``, ``method-not-allowed``, ``unavailable``,
    ``overloaded``, ``health``), ``status``, ``bytes`` (body bytes received), ``latency_ms`` and, when forwarded,
    ``upstream_status``. Never a header value, secret, token, signature or body. Plus one ``{"event": "listening"}``
    line at start and one ``{"event": "stopped"}`` line at exit.

Signals
    SIGTERM (and SIGINT): stop accepting, answer ``/readyz`` 503 and ``Connection: close``, let requests in flight
    finish for up to VERIFIER_SHUTDOWN_GRACE_SECONDS, exit 0.
"""

import base64
import binascii
import contextlib
import email.utils
import hmac
import http.client
import io
import json
import json.encoder
import os
import select
import signal
import socket
import socketserver
import ssl
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import IO, Any, Dict, FrozenSet, List, Mapping, NoReturn, Optional, Tuple, Union, cast
from urllib.parse import urlsplit

__all__ = [
    "ALGORITHMS",
    "ENCODINGS",
    "PRESETS",
    "Config",
    "ConfigError",
    "VerifierServer",
    "build_server",
    "decode_signature",
    "main",
    "read_secret",
    "signature_matches",
]

PRESETS: Dict[str, Dict[str, str]] = {
    "dbt-cloud": {"header": "Authorization", "prefix": "", "algorithm": "sha256", "encoding": "hex"},
    "fivetran": {"header": "X-Fivetran-Signature-256", "prefix": "", "algorithm": "sha256", "encoding": "hex"},
    "github": {"header": "X-Hub-Signature-256", "prefix": "sha256=", "algorithm": "sha256", "encoding": "hex"},
}
"""Each vendor's signature: header, prefix, algorithm and encoding (sources in the module docstring)."""
ALGORITHMS: Dict[str, int] = {"sha1": 20, "sha256": 32, "sha512": 64}
"""HMAC algorithm -> digest size in bytes."""
ENCODINGS: Tuple[str, ...] = ("hex", "base64")
HOP_BY_HOP: FrozenSet[str] = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
NOT_FORWARDED: FrozenSet[str] = HOP_BY_HOP | {"host", "content-length", "expect", "authorization"}
HEALTH_PATHS: Tuple[str, str] = ("/healthz", "/readyz")
UPSTREAM_BODY_LIMIT = 1024
"""Bytes of the upstream's answer passed back to the sender."""
UPSTREAM_IDLE_SECONDS = 30.0
"""A pooled upstream connection idle longer than this is closed rather than reused."""
_HEX = frozenset("0123456789abcdefABCDEF")
_REARM_SECONDS = 0.05
"""A request line arriving this soon after its connection's deadline was set keeps that deadline (saves a lock)."""
_MAX_HEADERS = 100
"""Most header fields in one request (as http.client allows); more are answered 431."""
_MAX_LINE = 65536
"""Longest request line or header field in bytes."""
_SETTLED_NS = 2_000_000_000
"""A file whose modification is older than this is cached until its stat changes (see `_FileCache`)."""
_OVERLOADED = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nRetry-After: 1\r\nConnection: close\r\n\r\n"
_Timeout = socket.timeout
"""Raised by socket reads that time out (an OSError of its own on Python 3.9, TimeoutError from 3.10)."""
_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    408: "Request Timeout",
    411: "Length Required",
    413: "Content Too Large",
    414: "URI Too Long",
    431: "Request Header Fields Too Large",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class ConfigError(ValueError):
    """A missing or invalid environment variable; the message names it."""


@dataclass(frozen=True)
class Config:
    """Everything the verifier reads from its environment (see the module docstring)."""

    secret_file: str
    upstream_url: str
    header: str
    prefix: str = ""
    algorithm: str = "sha256"
    encoding: str = "hex"
    preset: Optional[str] = None
    upstream_token_file: Optional[str] = None
    path: str = "/"
    bind: str = "0.0.0.0"
    port: int = 8080
    max_body_bytes: int = 1048576
    read_timeout: float = 10.0
    upstream_timeout: float = 5.0
    max_connections: int = 64
    shutdown_grace: float = 20.0

    def __post_init__(self) -> None:
        if self.algorithm not in ALGORITHMS:
            raise ConfigError(f"VERIFIER_SIGNATURE_ALGORITHM must be one of {', '.join(ALGORITHMS)}")
        if self.encoding not in ENCODINGS:
            raise ConfigError(f"VERIFIER_SIGNATURE_ENCODING must be one of {', '.join(ENCODINGS)}")
        if not self.header or not _is_token(self.header):
            raise ConfigError("VERIFIER_SIGNATURE_HEADER must be a header name (or set VERIFIER_PRESET)")
        if not self.path.startswith("/") or self.path in HEALTH_PATHS or "?" in self.path:
            raise ConfigError("VERIFIER_PATH must start with '/', hold no '?' and not be /healthz or /readyz")
        parts = urlsplit(self.upstream_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError("VERIFIER_UPSTREAM_URL must be an http:// or https:// URL with a host")
        try:
            _ = parts.port  # raises on a bad port
        except ValueError:
            raise ConfigError("VERIFIER_UPSTREAM_URL has an invalid port") from None
        if not 0 <= self.port <= 65535:
            raise ConfigError("VERIFIER_PORT must be 0-65535")
        for name, value in (
            ("VERIFIER_MAX_BODY_BYTES", self.max_body_bytes),
            ("VERIFIER_READ_TIMEOUT_SECONDS", self.read_timeout),
            ("VERIFIER_UPSTREAM_TIMEOUT_SECONDS", self.upstream_timeout),
            ("VERIFIER_MAX_CONNECTIONS", self.max_connections),
        ):
            if value <= 0:
                raise ConfigError(f"{name} must be positive")
        if self.shutdown_grace < 0:
            raise ConfigError("VERIFIER_SHUTDOWN_GRACE_SECONDS must not be negative")

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "Config":
        """Read the ``VERIFIER_*`` variables; raises `ConfigError` naming the first bad one."""

        def get(name: str) -> Optional[str]:
            value = env.get(name)
            return value if value else None

        def seconds(name: str, default: float) -> float:
            text = get(name)
            try:
                return default if text is None else float(text)
            except ValueError:
                raise ConfigError(f"{name} must be a number of seconds, not {text!r}") from None

        def integer(name: str, default: int) -> int:
            text = get(name)
            try:
                return default if text is None else int(text)
            except ValueError:
                raise ConfigError(f"{name} must be an integer, not {text!r}") from None

        preset = get("VERIFIER_PRESET")
        if preset is not None and preset not in PRESETS:
            raise ConfigError(f"VERIFIER_PRESET must be one of {', '.join(PRESETS)}")
        base = PRESETS.get(preset or "", {})
        required: Dict[str, str] = {}
        for name in ("VERIFIER_SECRET_FILE", "VERIFIER_UPSTREAM_URL"):
            value = get(name)
            if value is None:
                raise ConfigError(f"{name} is required")
            required[name] = value
        prefix = env.get("VERIFIER_SIGNATURE_PREFIX")
        return cls(
            secret_file=required["VERIFIER_SECRET_FILE"],
            upstream_url=required["VERIFIER_UPSTREAM_URL"],
            header=get("VERIFIER_SIGNATURE_HEADER") or base.get("header", ""),
            prefix=prefix if prefix is not None else base.get("prefix", ""),
            algorithm=(get("VERIFIER_SIGNATURE_ALGORITHM") or base.get("algorithm", "sha256")).lower(),
            encoding=(get("VERIFIER_SIGNATURE_ENCODING") or base.get("encoding", "hex")).lower(),
            preset=preset,
            upstream_token_file=get("VERIFIER_UPSTREAM_TOKEN_FILE"),
            path=get("VERIFIER_PATH") or "/",
            bind=get("VERIFIER_BIND_ADDRESS") or "0.0.0.0",
            port=integer("VERIFIER_PORT", 8080),
            max_body_bytes=integer("VERIFIER_MAX_BODY_BYTES", 1048576),
            read_timeout=seconds("VERIFIER_READ_TIMEOUT_SECONDS", 10.0),
            upstream_timeout=seconds("VERIFIER_UPSTREAM_TIMEOUT_SECONDS", 5.0),
            max_connections=integer("VERIFIER_MAX_CONNECTIONS", 64),
            shutdown_grace=seconds("VERIFIER_SHUTDOWN_GRACE_SECONDS", 20.0),
        )


_TOKEN_CHARS = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _is_token(name: str) -> bool:
    """Whether ``name`` is an HTTP token (a valid header name)."""
    return bool(name) and _TOKEN_CHARS.issuperset(name)


def _usable_token(token: bytes) -> bool:
    """A bearer token that fits in a header: not empty, no line breaks or NUL."""
    return bool(token) and not any(c in token for c in b"\r\n\0")


def read_secret(path: str) -> bytes:
    """The file's bytes without one trailing newline (``\\n`` or ``\\r\\n``); raises OSError."""
    with open(path, "rb") as handle:
        data = handle.read()
    if data.endswith(b"\r\n"):
        return data[:-2]
    if data.endswith(b"\n"):
        return data[:-1]
    return data


class _FileCache:
    """`read_secret` without re-reading an unchanged file on every request.

    Each read still stats the file (following symlinks, so a Kubernetes Secret volume's atomic ``..data`` swap shows
    as a new inode); the bytes are reused only while device, inode, size, mtime and ctime are all unchanged and the
    last change is older than ``_SETTLED_NS`` (file times are coarser than the writes they record, so a file changed
    just now is read again until its times have settled).
    """

    def __init__(self) -> None:
        self._entries: Dict[str, Tuple[Tuple[int, int, int, int, int], bytes]] = {}

    def read(self, path: str) -> bytes:
        """The file's bytes as `read_secret` returns them; raises OSError."""
        st = os.stat(path)
        key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        entry = self._entries.get(path)
        if entry is not None and entry[0] == key:
            return entry[1]
        data = read_secret(path)
        if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) > _SETTLED_NS:
            self._entries[path] = (key, data)
        else:
            self._entries.pop(path, None)
        return data


_clock: Tuple[int, str, str] = (-1, "", "")
"""(second, HTTP date, log timestamp without milliseconds) of the last second formatted."""


def _now_texts(now: float) -> Tuple[str, str]:
    """The HTTP ``Date`` and the log line's ``time`` (to the millisecond) for ``now``, formatted once per second."""
    global _clock
    second = int(now)
    cached = _clock
    if cached[0] != second:
        cached = (
            second,
            email.utils.formatdate(second, usegmt=True),
            time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)),
        )
        _clock = cached
    return cached[1], f"{cached[2]}.{int(now % 1 * 1000):03d}Z"


_json_text = json.encoder.encode_basestring_ascii
"""A str as a JSON string literal (what json.dumps does to it)."""


class _Headers:
    """A request's header fields in order, with case-insensitive lookup (what the handler needs of email.Message)."""

    __slots__ = ("_index", "fields")

    def __init__(self, fields: List[Tuple[str, str]]) -> None:
        self.fields = fields
        index: Dict[str, List[str]] = {}
        for name, value in fields:
            key = name.lower()
            found = index.get(key)
            if found is None:
                index[key] = [value]
            else:
                found.append(value)
        self._index = index

    def get(self, name: str) -> Optional[str]:
        """The first value of ``name``, or None."""
        values = self._index.get(name.lower())
        return values[0] if values else None

    def get_all(self, name: str) -> List[str]:
        """Every value of ``name`` in order (empty when absent)."""
        return self._index.get(name.lower(), [])


def _read_fields(reader: io.BufferedReader, eof_ends: bool = True) -> Union[List[Tuple[str, str]], int]:
    """A message's header fields, read up to and including the empty line that ends them, in order with their values
    stripped of surrounding white space; or the status that refuses them (431: over ``_MAX_HEADERS`` fields or a line
    over ``_MAX_LINE`` bytes; 400: a line that is not ``token ":" value``, obsolete line folding included).

    Lines end with CRLF or a bare LF, as http.client reads them; the end of the stream ends the block too, unless
    ``eof_ends`` is false (then it is a 400). When the whole block is already buffered (the usual case: a client
    writes head and body at once), it is taken in one read and split, instead of line by line.
    """
    lines: List[bytes]
    buffered = reader.peek(0)
    end = buffered.find(b"\r\n\r\n")
    # the block ends there only if no empty line (CRLF or bare LF) comes earlier
    if (
        end > 0
        and not buffered.startswith((b"\r\n", b"\n"))
        and buffered.find(b"\n\r\n") == end + 1
        and b"\n\n" not in buffered[: end + 2]
    ):
        lines = reader.read(end + 4)[:end].split(b"\n")  # within the buffer: no line is over _MAX_LINE
    else:
        lines = []
        while True:
            line = reader.readline(_MAX_LINE + 1)
            if line in (b"\r\n", b"\n"):
                break
            if not line:
                if eof_ends:
                    break
                return 400
            if len(line) > _MAX_LINE:
                return 431
            lines.append(line)
            if len(lines) > _MAX_HEADERS:
                return 431
    if len(lines) > _MAX_HEADERS:
        return 431
    fields: List[Tuple[str, str]] = []
    for line in lines:
        name, colon, value = line.decode("latin-1").partition(":")
        if not colon or not name or not _TOKEN_CHARS.issuperset(name):
            return 400
        fields.append((name, value.strip(" \t\r\n")))
    return fields


_NO_FIELDS = _Headers([])


def decode_signature(value: str, prefix: str, encoding: str, size: int) -> Optional[bytes]:
    """The digest bytes a header value carries, or None when it is not exactly one well-formed digest of ``size``."""
    value = value.strip()
    if prefix:
        if value[: len(prefix)].lower() != prefix.lower():
            return None
        value = value[len(prefix) :]
    if encoding == "hex":
        if len(value) != 2 * size or not _HEX.issuperset(value):
            return None
        return bytes.fromhex(value)
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return None
    return raw if len(raw) == size else None


def signature_matches(config: Config, secret: bytes, body: bytes, values: List[str]) -> bool:
    """Whether exactly one signature header was sent and it is the HMAC of ``body`` (compared in constant time)."""
    if len(values) != 1 or not secret:
        return False
    received = decode_signature(values[0], config.prefix, config.encoding, ALGORITHMS[config.algorithm])
    expected = hmac.digest(secret, body, config.algorithm)
    if received is None:
        hmac.compare_digest(expected, expected)  # the same work either way
        return False
    return hmac.compare_digest(expected, received)


class _Watchdog:
    """Cuts off connections that do not deliver a whole request in time (one thread for all connections).

    A socket's recv timeout bounds each read, not a client trickling one byte at a time; this bounds the whole
    request. On expiry the socket's read side is shut down, so a blocked read returns end-of-file at once while the
    handler can still write its 408.
    """

    def __init__(self, interval: float) -> None:
        self._interval = interval
        self._deadlines: Dict[socket.socket, float] = {}
        self._expired: Dict[socket.socket, bool] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="verifier-watchdog", daemon=True)
        self._thread.start()

    def arm(self, sock: socket.socket, deadline: float) -> None:
        with self._lock:
            self._deadlines[sock] = deadline
            self._expired.pop(sock, None)

    def disarm(self, sock: socket.socket) -> None:
        with self._lock:
            self._deadlines.pop(sock, None)

    def forget(self, sock: socket.socket) -> None:
        with self._lock:
            self._deadlines.pop(sock, None)
            self._expired.pop(sock, None)

    def expired(self, sock: socket.socket) -> bool:
        with self._lock:
            return sock in self._expired

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            now = time.monotonic()
            with self._lock:
                due = [sock for sock, deadline in self._deadlines.items() if deadline <= now]
                for sock in due:
                    del self._deadlines[sock]
                    self._expired[sock] = True
            for sock in due:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RD)


class _UpstreamError(Exception):
    """The upstream's answer could not be read as HTTP."""


class _Link:
    """One connection to the upstream and its buffered reader."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.reader = sock.makefile("rb")
        self.idle_since = 0.0

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.reader.close()
        with contextlib.suppress(OSError):
            self.sock.close()


class _Upstream:
    """POSTs to the upstream over a pool of kept-alive connections.

    A small HTTP/1.1 client of its own rather than http.client: the request (head and body) goes out in one write and
    the answer's head is read by `_read_fields` (not the email parser), which roughly halves the verifier's work per
    request. A header field the upstream sends that is not ``token ":" value`` makes its answer unusable (502).
    """

    def __init__(self, config: Config) -> None:
        parts = urlsplit(config.upstream_url)
        self.https = parts.scheme == "https"
        self.host = parts.hostname or ""
        self.port = parts.port or (443 if self.https else 80)
        self.target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        default = 443 if self.https else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.host_header = host if self.port == default else f"{host}:{self.port}"
        self.timeout = config.upstream_timeout
        self._limit = config.max_connections
        self._idle: List[_Link] = []
        self._lock = threading.Lock()
        self._context = ssl.create_default_context() if self.https else None

    def _take(self) -> Tuple[_Link, bool]:
        now = time.monotonic()
        while True:
            with self._lock:
                if not self._idle:
                    break
                link = self._idle.pop()
            fresh = now - link.idle_since < UPSTREAM_IDLE_SECONDS
            if fresh and not select.select([link.sock], [], [], 0)[0]:
                return link, True  # not readable: the upstream has not closed it
            link.close()
        sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if self._context is not None:
                sock = self._context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise
        return _Link(sock), False

    def _give(self, link: _Link) -> None:
        link.idle_since = time.monotonic()
        with self._lock:
            if len(self._idle) < self._limit:
                self._idle.append(link)
                return
        link.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for link in idle:
            link.close()

    def request_bytes(self, headers: List[Tuple[str, str]], body: bytes) -> bytes:
        lines = [f"POST {self.target} HTTP/1.1", f"Host: {self.host_header}"]
        lines.extend(f"{name}: {value}" for name, value in headers)
        lines.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body

    def post(self, headers: List[Tuple[str, str]], body: bytes) -> Tuple[int, bytes, Optional[str]]:
        """(status, first bytes of the body, Content-Type); raises OSError or _UpstreamError."""
        message = self.request_bytes(headers, body)
        for attempt in (1, 2):
            link, reused = self._take()
            answered = False
            try:
                link.sock.sendall(message)
                status, head, reusable = self._read_head(link)
                answered = True
                data, complete = self._read_body(link, status, head)
                if reusable and complete:
                    self._give(link)
                else:
                    link.close()
                return status, data, head.get("content-type")
            except (ConnectionResetError, BrokenPipeError, _UpstreamError) as error:
                link.close()
                # a reused connection the upstream closed while idle: nothing was answered, try a fresh one
                if reused and attempt == 1 and not answered and not isinstance(error, _UpstreamError):
                    continue
                raise
            except BaseException:
                link.close()
                raise
        raise _UpstreamError("unreachable")  # pragma: no cover

    @staticmethod
    def _read_head(link: _Link) -> Tuple[int, Dict[str, str], bool]:
        while True:
            line = link.reader.readline(65537)
            if not line:
                raise ConnectionResetError("the upstream closed the connection")
            parts = line.split(None, 2)
            if len(parts) < 2 or not parts[0].startswith(b"HTTP/1.") or not parts[1].isdigit() or len(parts[1]) != 3:
                raise _UpstreamError("not an HTTP status line")
            status = int(parts[1])
            fields = _read_fields(link.reader, eof_ends=False)
            if isinstance(fields, int):
                raise _UpstreamError("malformed or too many header fields")
            head: Dict[str, str] = {}
            for name, value in fields:
                key = name.lower()
                head[key] = f"{head[key]}, {value}" if key in head else value
            if 100 <= status < 200 and status != 101:
                continue  # an interim answer (100 Continue): the real one follows
            keep = "keep-alive" in head.get("connection", "").lower()
            close = "close" in head.get("connection", "").lower()
            reusable = not close and (parts[0] == b"HTTP/1.1" or keep)
            return status, head, reusable

    @staticmethod
    def _read_body(link: _Link, status: int, head: Dict[str, str]) -> Tuple[bytes, bool]:
        """The answer's body up to UPSTREAM_BODY_LIMIT bytes, and whether it was read to its end."""
        if status in (204, 304) or status < 200:
            return b"", True
        if "chunked" in head.get("transfer-encoding", "").lower():
            data = b""
            for _ in range(1000):
                size_line = link.reader.readline(1024)
                try:
                    size = int(size_line.split(b";", 1)[0].strip(), 16)
                except ValueError:
                    raise _UpstreamError("malformed chunk") from None
                if size == 0:
                    while link.reader.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return data[:UPSTREAM_BODY_LIMIT], True
                if len(data) + size > 64 * 1024:
                    return data[:UPSTREAM_BODY_LIMIT], False
                chunk = link.reader.read(size + 2)
                if len(chunk) != size + 2:
                    raise _UpstreamError("truncated chunk")
                data += chunk[:size]
            return data[:UPSTREAM_BODY_LIMIT], False
        length = head.get("content-length")
        if length is not None:
            if not length.isdigit():
                raise _UpstreamError("malformed Content-Length")
            size = int(length)
            data = link.reader.read(min(size, 64 * 1024))
            if len(data) != min(size, 64 * 1024):
                raise _UpstreamError("truncated body")
            return data[:UPSTREAM_BODY_LIMIT], size <= 64 * 1024
        return link.reader.read(UPSTREAM_BODY_LIMIT), False  # delimited by closing: never reused


class VerifierServer(ThreadingHTTPServer):
    """The HTTP server: bounded concurrency, one log line per request, graceful shutdown."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, config: Config, log: Optional[IO[str]] = None) -> None:
        self.config = config
        self.log_stream: IO[str] = log if log is not None else sys.stdout
        self.draining = False
        self.upstream = _Upstream(config)
        self.secrets = _FileCache()
        self.watchdog = _Watchdog(max(0.01, min(0.25, config.read_timeout / 10)))
        self._slots = threading.BoundedSemaphore(config.max_connections)
        self._log_lock = threading.Lock()
        self._active = 0
        self._count_lock = threading.Lock()
        self._idle = threading.Condition()
        self.not_forwarded = NOT_FORWARDED | {config.header.lower()}
        """Header fields never forwarded: hop-by-hop, replaced, and the signature."""
        super().__init__((config.bind, config.port), VerifierHandler)

    def server_bind(self) -> None:
        socketserver.TCPServer.server_bind(self)  # HTTPServer's would resolve the host name (a DNS lookup)
        address = self.server_address
        self.server_name = str(address[0])
        self.server_port = int(address[1])

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(blocking=False):
            started = time.monotonic()
            with contextlib.suppress(OSError):
                request.sendall(_OVERLOADED)
            self.shutdown_request(request)
            self.log_request_line(str(client_address[0]), "-", "-", "overloaded", 503, 0, started)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def request_started(self) -> None:
        with self._count_lock:
            self._active += 1

    def request_done(self) -> None:
        with self._count_lock:
            self._active -= 1
            idle = not self._active
        if idle:
            with self._idle:  # wait_idle holds this lock from its check of _active until it waits: no lost wake-up
                self._idle.notify_all()

    def wait_idle(self, seconds: float) -> bool:
        """Wait until no request is in flight, at most ``seconds``; True when none is."""
        deadline = time.monotonic() + seconds
        with self._idle:
            while self._active:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def ready(self) -> bool:
        if self.draining:
            return False
        secret, token = self.credentials()
        return bool(secret) and (token is None or _usable_token(token))

    def credentials(self) -> Tuple[bytes, Optional[bytes]]:
        """(signing secret, upstream token or None when not configured), read through the stat-checked cache; an
        unreadable file gives (b"", None)."""
        config = self.config
        try:
            secret = self.secrets.read(config.secret_file)
            token = self.secrets.read(config.upstream_token_file) if config.upstream_token_file else None
        except OSError:
            return b"", None
        return secret, token

    def begin_shutdown(self) -> None:
        """Stop accepting (blocks until the serving loop has returned: call it from another thread)."""
        self.draining = True
        self.shutdown()

    def server_close(self) -> None:
        super().server_close()
        self.watchdog.stop()
        self.upstream.close()

    def log(self, record: Dict[str, Any]) -> None:
        line = json.dumps(record, separators=(",", ":")) + "\n"
        with self._log_lock:
            try:
                self.log_stream.write(line)
                self.log_stream.flush()
            except (OSError, ValueError):
                pass

    def log_request_line(
        self,
        client: str,
        method: str,
        path: str,
        verdict: str,
        status: int,
        size: int,
        started: float,
        upstream_status: Optional[int] = None,
    ) -> None:
        # the same line json.dumps(record, separators=(",", ":")) would give, without building the record
        latency = round((time.monotonic() - started) * 1000, 2)
        stamp = _now_texts(time.time())[1]
        line = (
            f'{{"time":"{stamp}","client":{_json_text(client)},"method":{_json_text(method[:16])},'
            f'"path":{_json_text(path.split("?", 1)[0][:256])},"verdict":{_json_text(verdict)},"status":{int(status)},'
            f'"bytes":{int(size)},"latency_ms":{float(latency)!r}'
            + ("}\n" if upstream_status is None else f',"upstream_status":{int(upstream_status)}}}\n')
        )
        with self._log_lock:
            try:
                self.log_stream.write(line)
                self.log_stream.flush()
            except (OSError, ValueError):
                pass


class _Done(Exception):
    """Raised once a request has been answered (and logged)."""


class VerifierHandler(BaseHTTPRequestHandler):
    """One connection: requests are read within the read timeout, verified, forwarded, answered and logged.

    Per request it does no more than it must: header fields parsed once (`parse_request`), the body read in one call
    (the watchdog bounds it), secrets read through a stat-checked cache, the ``Date`` and log timestamp formatted once
    a second, the log line written without building a dict first.
    """

    protocol_version = "HTTP/1.1"
    server_version = "verifier"
    sys_version = ""
    disable_nagle_algorithm = True

    _started = 0.0
    _size = 0
    _answered = False
    _in_flight = False
    fields: "_Headers"
    """The current request's header fields (parsed here rather than by email.parser: see `parse_request`)."""

    app: VerifierServer
    """The server (``self.server``, typed), set once per connection."""

    def setup(self) -> None:
        self.app = cast(VerifierServer, self.server)
        super().setup()
        self.connection.settimeout(self._read_timeout())  # each read; the watchdog bounds the whole request

    def finish(self) -> None:
        self.app.watchdog.forget(self.connection)
        super().finish()

    # -- the request cycle ---------------------------------------------------------------------------------------

    def handle_one_request(self) -> None:
        app = self.app
        self._started = time.monotonic()
        self._size = 0
        self._answered = False
        self._in_flight = False
        self._forget_previous_request()
        self.raw_requestline = b""
        # waiting for a request line (idle keep-alive included) is bounded like receiving a request
        app.watchdog.arm(self.connection, self._started + app.config.read_timeout)
        try:
            self.raw_requestline = self.rfile.readline(65537)
            if not self.raw_requestline:
                self.close_connection = True  # closed by the client, or idle too long: nothing to answer
                return
            if self.raw_requestline.endswith(b"\n"):  # a request begins: its own deadline and latency
                armed, self._started = self._started, time.monotonic()
                if self._started - armed > _REARM_SECONDS:
                    app.watchdog.arm(self.connection, self._started + app.config.read_timeout)
            if len(self.raw_requestline) > 65536:
                self._finish(414, "bad-request", close=True)
            app.request_started()
            self._in_flight = True
            if not self.parse_request():
                return  # answered by send_error
            if app.watchdog.expired(self.connection):
                self._finish(408, "timeout", close=True)
            elif self.command == "POST":
                self._post()
            elif self.command in ("GET", "HEAD"):
                self._get()
            else:
                self._other_method()
        except _Done:
            pass
        except _Timeout:
            self.close_connection = True
            if not self._answered and self.raw_requestline:  # nothing received at all: an idle connection
                with contextlib.suppress(_Done):
                    self._finish(408, "timeout", close=True)
        except OSError:
            self.close_connection = True
            if not self._answered:
                self._log("incomplete", 400)
        finally:
            if self._in_flight:
                app.request_done()

    def _read_timeout(self) -> float:
        """Each socket read's timeout: a backstop just past the watchdog's deadline for the whole request."""
        return self.app.config.read_timeout + 1.0

    def _forget_previous_request(self) -> None:
        self.command = ""
        self.path = "-"
        self.fields = _NO_FIELDS

    def parse_request(self) -> bool:
        """BaseHTTPRequestHandler's request-line checks, then the header fields read by a small parser of its own
        (http.client's limits: 100 fields, 64 KiB a line; answered 431 past them) instead of email.parser, which was
        the largest share of the verifier's CPU per request. Stricter than email.parser where HTTP allows: a field
        that is not ``token ":" value`` (obsolete line folding included) is a 400, never read as the body's start."""
        self.command = ""
        self.request_version = version = self.default_request_version
        self.close_connection = True
        requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        self.requestline = requestline
        words = requestline.split()
        if not words:
            return False
        if len(words) >= 3:
            version = words[-1]
            numbers = version[5:].split(".") if version.startswith("HTTP/") else []
            if len(numbers) != 2 or not all(n.isdigit() and n.isascii() and len(n) <= 10 for n in numbers):
                self.send_error(400)
                return False
            number = (int(numbers[0]), int(numbers[1]))
            if number >= (2, 0):
                self.send_error(505)
                return False
            if number >= (1, 1):
                self.close_connection = False
            self.request_version = version
        if not 2 <= len(words) <= 3:
            self.send_error(400)
            return False
        command, path = words[0], words[1]
        if len(words) == 2:
            self.close_connection = True
            if command != "GET":
                self.send_error(400)
                return False
        self.command, self.path = command, path
        if path.startswith("//"):
            self.path = "/" + path.lstrip("/")
        fields = _read_fields(cast(io.BufferedReader, self.rfile))
        if isinstance(fields, int):
            self.send_error(fields)
            return False
        self.fields = headers = _Headers(fields)
        connection = headers.get_all("Connection")
        if connection:
            tokens = {t.strip().lower() for v in connection for t in v.split(",")}
            if "close" in tokens:
                self.close_connection = True
            elif "keep-alive" in tokens:
                self.close_connection = False
        expect = (headers.get("Expect") or "").lower()
        return expect != "100-continue" or self.request_version < "HTTP/1.1" or self.handle_expect_100()

    def _path(self) -> str:
        return self.path.split("?", 1)[0]

    def _get(self) -> None:
        self.app.watchdog.disarm(self.connection)
        path = self._path()
        if path == "/healthz":
            self._finish(200, "health", body=b"ok\n" if self.command == "GET" else b"")
        elif path == "/readyz":
            ready = self.app.ready()
            self._finish(200 if ready else 503, "health", body=b"ok\n" if ready and self.command == "GET" else b"")
        elif path == self.app.config.path:
            self._finish(405, "method-not-allowed", close=self._has_body(), extra=[("Allow", "POST")])
        else:
            self._finish(404, "not-found", close=self._has_body())

    def _other_method(self) -> None:
        if self._path() == self.app.config.path:
            self._finish(405, "method-not-allowed", close=True, extra=[("Allow", "POST")])
        self._finish(404, "not-found", close=True)

    def _has_body(self) -> bool:
        return bool(self.fields.get("Content-Length") or self.fields.get("Transfer-Encoding"))

    def _length(self) -> int:
        """The declared body length; answers (raising _Done) when it is missing, malformed or over the limit."""
        fields = self.fields
        values = fields.get_all("Content-Length")
        if fields.get_all("Transfer-Encoding"):
            self._finish(400 if values else 411, "bad-request" if values else "length-required", close=True)
        if not values:
            self._finish(411, "length-required", close=True)
        text = values[0]  # values are stripped
        if (
            (len(values) > 1 and any(v != text for v in values))
            or not text.isdigit()
            or not text.isascii()
            or len(text) > 18
        ):
            self._finish(400, "bad-request", close=True)
        length = int(text)
        if length > self.app.config.max_body_bytes:
            self._finish(413, "too-large", close=True, linger=True)
        return length

    def handle_expect_100(self) -> bool:
        try:
            if self._path() == self.app.config.path and self.command == "POST":
                self._length()
        except _Done:
            return False
        return super().handle_expect_100()

    def _read_body(self, length: int) -> bytes:
        """Exactly ``length`` bytes. The watchdog bounds the read by the request's deadline: on expiry it shuts the
        socket's read side, so the read ends short (end of file) and the request is answered 408; a body that ends
        short before the deadline is 400."""
        app = self.app
        body = self.rfile.read(length) if length else b""
        self._size = len(body)
        if len(body) != length:
            if app.watchdog.expired(self.connection):
                raise _Timeout("request not received in time")
            self._finish(400, "incomplete", close=True)
        app.watchdog.disarm(self.connection)
        return body

    def _post(self) -> None:
        app = self.app
        config = app.config
        if self._path() != config.path:
            self._finish(404, "not-found", close=True)
        body = self._read_body(self._length())
        secret, token = app.credentials()
        if not secret or (token is not None and not _usable_token(token)):
            self._finish(503, "unavailable")
        if not signature_matches(config, secret, body, self.fields.get_all(config.header)):
            self._finish(401, "rejected-signature")
        try:
            headers = self._forwarded_headers(token)
        except ValueError:
            self._finish(400, "bad-request")
        try:
            status, data, content_type = app.upstream.post(headers, body)
        except _Timeout:
            self._finish(504, "upstream-timeout")
        except (OSError, _UpstreamError):
            self._finish(502, "upstream-error")
        extra = [("Content-Type", content_type)] if content_type and data else []
        self._finish(status, "forwarded", body=data, extra=extra, upstream_status=status)

    def _forwarded_headers(self, token: Optional[bytes]) -> List[Tuple[str, str]]:
        dropped = self.app.not_forwarded
        named = self.fields.get_all("Connection")
        if named:
            dropped = dropped | {name.strip().lower() for value in named for name in value.split(",")}
        headers: List[Tuple[str, str]] = []
        forwarded_for: List[str] = []
        for name, value in self.fields.fields:
            lower = name.lower()
            if lower in dropped:
                continue
            if not _is_token(name) or "\r" in value or "\n" in value or "\0" in value:
                raise ValueError("a header the upstream could not be sent")
            if lower == "x-forwarded-for":
                forwarded_for.append(value)
                continue
            headers.append((name, value))
        forwarded_for.append(str(self.client_address[0]))
        headers.append(("X-Forwarded-For", ", ".join(forwarded_for)))
        if token is not None:
            headers.append(("Authorization", "Bearer " + token.decode("latin-1")))
        return headers

    # -- answers -----------------------------------------------------------------------------------------------------

    def send_error(self, code: int, message: Optional[str] = None, explain: Optional[str] = None) -> None:
        """Malformed requests (from parse_request): an empty answer and a closed connection."""
        try:
            if self.app.watchdog.expired(self.connection):
                self._finish(408, "timeout", close=True)
            self._finish(code if code in _REASONS else 400, "bad-request", close=True)
        except _Done:
            pass

    def _finish(
        self,
        status: int,
        verdict: str,
        body: bytes = b"",
        close: bool = False,
        linger: bool = False,
        extra: Optional[List[Tuple[str, str]]] = None,
        upstream_status: Optional[int] = None,
    ) -> NoReturn:
        """Answer, log, and end the request (raises _Done)."""
        app = self.app
        if close or app.draining:
            self.close_connection = True
        if self.command == "HEAD":
            body = b""
        reason = _REASONS.get(status) or http.client.responses.get(status, "Status")
        head = f"HTTP/1.1 {status} {reason}\r\nDate: {_now_texts(time.time())[0]}\r\nContent-Length: {len(body)}\r\n"
        if extra:
            head += "".join(f"{name}: {value}\r\n" for name, value in extra)
        if self.close_connection:
            head += "Connection: close\r\n"
        self._answered = True
        try:
            self.wfile.write((head + "\r\n").encode("latin-1") + body)
            if linger:
                self._linger()
        except OSError:
            self.close_connection = True
        self._log(verdict, status, upstream_status)
        raise _Done()

    def _linger(self) -> None:
        """After an answer sent without reading the body: read and drop what the client is still sending (bounded),
        so closing does not reset the connection before the client has read the answer."""
        try:
            self.connection.shutdown(socket.SHUT_WR)
            deadline = time.monotonic() + min(2.0, self.app.config.read_timeout)
            budget = 4 * self.app.config.max_body_bytes
            while budget > 0:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.connection.settimeout(left)
                data = self.connection.recv(65536)
                if not data:
                    break
                budget -= len(data)
        except OSError:
            pass

    def _log(self, verdict: str, status: int, upstream_status: Optional[int] = None) -> None:
        self.app.log_request_line(
            str(self.client_address[0]),
            self.command or "-",
            self.path or "-",
            verdict,
            status,
            self._size,
            self._started,
            upstream_status,
        )

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: the server logs one JSON line per request itself."""


def build_server(config: Config, log: Optional[IO[str]] = None) -> VerifierServer:
    """A bound server (``server.server_port`` is the port, useful with port 0); run ``serve_forever()``."""
    return VerifierServer(config, log)


def main(argv: Optional[List[str]] = None, env: Optional[Mapping[str, str]] = None) -> int:
    """Run until SIGTERM or SIGINT; 0 after a graceful stop, 2 on a configuration error."""
    del argv
    try:
        config = Config.from_env(os.environ if env is None else env)
        server = build_server(config)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: cannot listen on {os.environ.get('VERIFIER_PORT', '8080')}: {error.strerror}", file=sys.stderr)
        return 2

    def stop(signum: int, frame: Any) -> None:
        del signum, frame
        if not server.draining:
            server.draining = True
            threading.Thread(target=server.begin_shutdown, name="verifier-shutdown", daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    parts = urlsplit(config.upstream_url)
    server.log(
        {
            "event": "listening",
            "port": server.server_port,
            "path": config.path,
            "preset": config.preset,
            "header": config.header,
            "algorithm": config.algorithm,
            "encoding": config.encoding,
            "upstream": f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}{parts.path}",
        }
    )
    try:
        server.serve_forever(poll_interval=0.5)
    finally:
        drained = server.wait_idle(config.shutdown_grace)
        server.server_close()
        server.log({"event": "stopped", "drained": drained})
    return 0


if __name__ == "__main__":
    sys.exit(main())
