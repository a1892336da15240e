"""The pattern catalogue: every blueprint page's front matter, as a table filtered by cloud and by kind of event.

Each page under `docs/blueprints/` that documents a blueprint starts with front matter naming it:

    ---
    blueprint: S3ObjectTrigger   # the class, as the registry declares it
    package: aws                 # its source package (and pip extra)
    cloud: AWS
    events: object storage
    summary: New objects in an S3 bucket, by S3 notification or EventBridge.
    ---

Every blueprint the registry declares needs exactly one such page; the build fails otherwise.
"""

import html
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mkdocs.utils.meta import get_data

from pulumi_metaflow_blueprints.registry import blueprint_classes

__all__ = ["Catalogue", "Pattern", "docs_pages", "read_catalogue"]

FILTERS = ("cloud", "events")
KEYS = ("blueprint", "package", "cloud", "events", "summary")


@dataclass(frozen=True)
class Pattern:
    """One blueprint page's entry."""

    page: str
    blueprint: str
    package: str
    cloud: str
    events: str
    summary: str


@dataclass(frozen=True)
class Catalogue:
    """The blueprint pages, in registry order."""

    patterns: tuple[Pattern, ...]

    def values(self, key: str) -> list[str]:
        """The distinct values of `cloud` or `events`, in first-seen order."""
        return list(dict.fromkeys(getattr(pattern, key) for pattern in self.patterns))

    def html(self, page: str) -> str:
        """The filters (buttons) and the table, for the page at `page` (links are relative to it)."""
        groups: list[str] = []
        for key in FILTERS:
            label = {"cloud": "Cloud or sender", "events": "Kind of event"}[key]
            buttons = "".join(
                f'<button type="button" class="md-button catalogue-filter" data-filter="{key}" '
                f'data-value="{html.escape(value)}" aria-pressed="false">{html.escape(value)}</button>'
                for value in self.values(key)
            )
            groups.append(f'<p class="catalogue-filters" data-filter="{key}"><strong>{label}:</strong> {buttons}</p>')
        base = posixpath.dirname(page)
        rows = [
            "| blueprint | starts your flows on | cloud or sender | kind of event | pip extra |",
            "|---|---|---|---|---|",
        ]
        for pattern in self.patterns:
            link = posixpath.relpath(pattern.page, base or ".")
            rows.append(
                f"| [{pattern.blueprint}]({link}) | {pattern.summary} | {pattern.cloud} | {pattern.events} | "
                f"`{pattern.package}` |"
            )
        table = "\n".join(rows)
        return "\n\n".join(
            [
                '<div class="catalogue" markdown>',
                *groups,
                table,
                '<p class="catalogue-empty" hidden>No blueprint matches both filters.</p>',
                "</div>",
            ]
        )


def docs_pages(docs: Path) -> dict[str, Path]:
    """The Markdown pages under the folder `docs`, by their path in it (MkDocs' `src_uri`)."""
    return {path.relative_to(docs).as_posix(): path for path in docs.rglob("*.md")}


def read_catalogue(pages: Mapping[str, Path]) -> Catalogue:
    """The catalogue of the documentation pages (src_uri -> file) under `blueprints/` with a `blueprint` key."""
    found: dict[str, Pattern] = {}
    for uri, path in sorted(pages.items()):
        if not uri.startswith("blueprints/"):
            continue
        _, meta = get_data(path.read_text(encoding="utf-8"))
        if "blueprint" not in meta:
            continue
        missing = [key for key in KEYS if not isinstance(meta.get(key), str) or not meta[key]]
        if missing:
            raise ValueError(f"docs/{uri}: front matter lacks {', '.join(missing)} (see docsite/catalogue.py)")
        name = meta["blueprint"]
        if name in found:
            raise ValueError(f"docs/{uri}: {name} is already documented by docs/{found[name].page}")
        found[name] = Pattern(uri, *(str(meta[key]) for key in KEYS))
    declared = [cls.__name__ for cls in blueprint_classes()]
    unknown = sorted(set(found) - set(declared))
    if unknown:
        raise ValueError(f"blueprint pages name blueprints the registry does not declare: {unknown}")
    undocumented = [name for name in declared if name not in found]
    if undocumented:
        raise ValueError(f"blueprints without a page under docs/blueprints/: {undocumented}")
    return Catalogue(tuple(found[name] for name in declared))
