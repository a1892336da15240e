"""MkDocs hooks: what the site generates from the code when it is built.

* `reference/*.md`: every blueprint's inputs and outputs, per language (`docsite.reference`);
* `<!-- generated: fields MODULE:ATTRIBUTE -->` in a page: that source's `FieldCatalog` as a table;
* `<!-- generated: catalogue -->`: the pattern catalogue, from the front matter of the blueprint pages, which must
  cover every blueprint the registry declares (a page missing, or naming an unknown blueprint, fails the build);
* Mermaid from `docsite/node_modules` (`npm ci --prefix docsite`), served by the site itself, so diagrams render
  without a CDN; without it, Material loads Mermaid from unpkg.com.
"""

import sys
import warnings
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # MkDocs loads this file by path; the generators live beside it
    sys.path.insert(0, str(ROOT))
warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"pulumi_(aws|gcp)\b.*")  # their own notices

from docsite import MERMAID, MERMAID_URL  # noqa: E402
from docsite.catalogue import Catalogue, read_catalogue  # noqa: E402
from docsite.fields import expand_fields  # noqa: E402
from docsite.reference import StaleSchemaError, reference_pages  # noqa: E402

__all__ = ["on_config", "on_files", "on_page_markdown"]

CATALOGUE_MARK = "<!-- generated: catalogue -->"
SEARCH_BOOST = 4

_catalogue: Catalogue | None = None


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    """Serve Mermaid from the site when it is vendored (loaded before Material's bundle looks for it)."""
    if MERMAID.is_file() and MERMAID_URL not in [str(script) for script in config.extra_javascript]:
        config.extra_javascript.insert(0, MERMAID_URL)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated reference pages; read the catalogue from the blueprint pages."""
    global _catalogue
    try:
        reference = reference_pages()
    except StaleSchemaError as error:
        raise PluginError(str(error)) from error
    for path, markdown in reference.pages():
        files.append(File.generated(config, path, content=markdown))
    if MERMAID.is_file():
        files.append(File.generated(config, MERMAID_URL, abs_src_path=str(MERMAID)))
    try:
        pages = {file.src_uri: Path(file.abs_src_path) for file in files.documentation_pages() if file.abs_src_path}
        _catalogue = read_catalogue(pages)
    except ValueError as error:
        raise PluginError(str(error)) from error
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Expand the generated-content markers of a page."""
    try:
        markdown = expand_fields(markdown)
    except ValueError as error:
        raise PluginError(f"{page.file.src_uri}: {error}") from error
    if "blueprint" in page.meta:  # a blueprint page comes first when its source's name is searched
        page.meta.setdefault("search", {"boost": SEARCH_BOOST})
    if CATALOGUE_MARK in markdown:
        assert _catalogue is not None
        markdown = markdown.replace(CATALOGUE_MARK, _catalogue.html(page.file.src_uri))
    return markdown
