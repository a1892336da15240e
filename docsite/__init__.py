"""The documentation site's build-time generators (loaded by `mkdocs.yml` through `docsite/hooks.py`)."""

__all__ = ["table_cell"]


def table_cell(text: str) -> str:
    """Text for one Markdown table cell: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")
