"""The Go oracle: the real libraries Argo Events is built on, asked the same questions as our Python.

``tests/oracle/main.go`` is built once (cached under ``build/oracle/``, keyed by its source and the Go version) in
GOPATH mode against Debian's packages; :func:`go_oracle` returns a client, or skips with what to install (with
``CI=true`` a missing toolchain fails instead).

Debian bookworm's versions against those Argo Events v1.9.11 pins (``go.mod``):

=====================  ==================  ======================================================================
library                Debian              Argo Events v1.9.11
=====================  ==================  ======================================================================
Go (text/template,     1.19.8              1.26 (since 1.22: ``(?<name>`` groups in regexp, ``\b``/``\f`` escapes in
regexp, encoding/json)                     encoding/json — "unsupported" on our side; nothing else we model changed)
tidwall/gjson          1.14.4              1.19.0 (newer: more modifiers, ``!`` literals; paths we emit agree)
Masterminds/sprig/v3   3.2.3               3.3.0 (same functions for what we model)
antonmedv/expr         1.8.9               1.15.5 (newer: ``??``, ``?:``, ``?.``, negative indexes, builtins —
                                           constructs where the versions differ are "unsupported" on our side)
=====================  ==================  ======================================================================
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest

__all__ = ["DEBIAN_PACKAGES", "TALLY", "GoOracle", "go_oracle", "tally"]

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tests" / "oracle" / "main.go"
GOPATH = "/usr/share/gocode"
DEBIAN_PACKAGES = (
    "golang-go",
    "golang-github-tidwall-gjson-dev",
    "golang-github-masterminds-sprig-dev",
    "golang-github-antonmedv-expr-dev",
)


class GoOracle:
    """Runs batches of requests through the built oracle binary (one process per batch)."""

    def __init__(self, binary: Path) -> None:
        self.binary = binary

    def ask(self, requests: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """One answer per request, in order."""
        if not requests:
            return []
        text = "".join(json.dumps(request, ensure_ascii=False) + "\n" for request in requests)
        done = subprocess.run([str(self.binary)], input=text.encode(), capture_output=True, check=True, timeout=300)
        answers = [json.loads(line) for line in done.stdout.decode().splitlines()]
        assert len(answers) == len(requests), done.stderr.decode()
        return answers

    def one(self, request: dict[str, Any]) -> dict[str, Any]:
        """The answer to one request."""
        return self.ask([request])[0]

    def gjson(self, document: str, paths: Iterable[str]) -> list[dict[str, Any]]:
        """``gjson.Get(document, path)`` for each path."""
        return self.ask([{"op": "gjson", "json": document, "path": path} for path in paths])


def _missing(reason: str) -> None:
    install = "apt-get install " + " ".join(DEBIAN_PACKAGES)
    message = f"Go oracle unavailable ({reason}); install it with: {install}"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _build() -> Path:
    go = shutil.which("go")
    if go is None:
        _missing("no `go` on PATH")
    assert go is not None
    version = subprocess.run([go, "version"], capture_output=True, text=True, check=True).stdout
    key = hashlib.sha256(SOURCE.read_bytes() + version.encode()).hexdigest()[:16]
    binary = ROOT / "build" / "oracle" / f"oracle-{key}"
    if binary.exists():
        return binary
    binary.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "GO111MODULE": "off", "GOPATH": GOPATH, "GOFLAGS": ""}
    env.setdefault("GOCACHE", str(ROOT / "build" / "oracle" / "gocache"))
    partial = binary.with_suffix(".tmp")
    built = subprocess.run(
        [go, "build", "-o", str(partial), str(SOURCE)], capture_output=True, text=True, env=env, cwd=ROOT
    )
    if built.returncode != 0:
        _missing(f"the build failed: {built.stderr.strip()[:400]}")
    partial.replace(binary)
    return binary


_ORACLE: GoOracle | None = None

TALLY: dict[str, dict[str, int]] = {}
"""Per library: how many cases were compared with Go, and how many our side called ``unsupported``."""


def tally(library: str, *, unsupported: bool = False) -> None:
    """Count one case compared with Go (call it after the case's assertions passed)."""
    counts = TALLY.setdefault(library, {"cases": 0, "agree": 0, "unsupported": 0})
    counts["cases"] += 1
    counts["unsupported" if unsupported else "agree"] += 1


def go_oracle() -> GoOracle:
    """The oracle client, building the binary on first use."""
    global _ORACLE
    if _ORACLE is None:
        _ORACLE = GoOracle(_build())
    return _ORACLE
