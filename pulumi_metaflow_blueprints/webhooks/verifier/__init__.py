"""The signature-verifying webhook receiver, shipped as one standard-library script (`server.py`).

The webhook blueprints deliver its text in a ConfigMap and run it on a stock ``python:3.x-slim`` image as
``python /app/verifier.py``; `server.py`'s docstring is the reference (what it verifies, environment, presets, status
codes, logs). This package never imports the script: `source()` reads it as text.
"""

from pathlib import Path

__all__ = ["SCRIPT_NAME", "source"]

SCRIPT_NAME = "verifier.py"
"""The ConfigMap key (and file name under the mount) the script is delivered as."""

_SERVER = Path(__file__).resolve().parent / "server.py"


def source() -> str:
    """The text of `server.py`, for the ConfigMap."""
    return _SERVER.read_text(encoding="utf-8")
