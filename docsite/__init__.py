"""The documentation site's build-time generators (loaded by `mkdocs.yml` through `docsite/hooks.py`)."""

from pathlib import Path

__all__ = ["MERMAID", "MERMAID_URL", "table_cell"]

MERMAID = Path(__file__).resolve().parent / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
"""Mermaid as `npm ci --prefix docsite` installs it (`package.json` pins the version)."""
MERMAID_URL = "assets/javascripts/mermaid.min.js"
"""Where the site serves it."""


def table_cell(text: str) -> str:
    """Text for one Markdown table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")
