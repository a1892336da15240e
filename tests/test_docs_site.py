"""The documentation site, built with `mkdocs build --strict` and read in a real browser.

Debian's `chromium`, driven headless by Selenium through Debian's `chromedriver`, opens the built site from a server on
loopback, follows the navigation to every blueprint page and checks that each page's Mermaid diagram rendered (Material
renders it into a closed shadow root; an init script opens it for the test), that search finds each blueprint by the
name of its source, and that the pattern catalogue filters by cloud and by kind of event. Mermaid comes from
`docsite/node_modules` (`npm ci --prefix docsite`): the machine has no internet, so a diagram renders only if the site
serves it. Without chromium, chromedriver or Mermaid the browser tests skip locally and fail under `CI=true`.
"""

import functools
import http.server
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from docsite import MERMAID, MERMAID_URL
from docsite.catalogue import Catalogue, docs_pages, read_catalogue

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
SOURCE_NAMES = {  # what a user types into the search box -> the blueprint whose page must come up
    "S3": "S3ObjectTrigger",
    "SQS": "SqsQueueTrigger",
    "SNS": "SnsTopicTrigger",
    "DynamoDB": "DynamoDBTableTrigger",
    "Pub/Sub": "PubSubTrigger",
    "Cloud Storage": "StorageObjectTrigger",
    "webhook": "WebhookTrigger",
    "dbt Cloud": "DbtCloudJobTrigger",
    "Fivetran": "FivetranSyncTrigger",
    "Snowflake": "TableChangeTrigger",
}
OPEN_SHADOW_ROOTS = """
const attach = Element.prototype.attachShadow;
Element.prototype.attachShadow = function (init) { return attach.call(this, Object.assign({}, init, {mode: "open"})); };
"""
WAIT = 20.0


def _missing(reason: str) -> None:
    message = f"browser test unavailable: {reason}"
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@functools.cache
def catalogue() -> Catalogue:
    """The blueprint pages, read as the build hook reads them."""
    return read_catalogue(docs_pages(ROOT / "docs"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built as CI builds it: `mkdocs build --strict` (a warning, broken link or anchor fails)."""
    out = tmp_path_factory.mktemp("site")
    started = time.perf_counter()
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert built.returncode == 0, built.stderr[-4000:]
    print(f"\nmkdocs build --strict: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return out


def test_strict_build_serves_every_page(site: Path) -> None:
    """Every blueprint page, every generated reference page and the vendored Mermaid are in the built site."""
    for pattern in catalogue().patterns:
        page = site / pattern.page.removesuffix(".md") / "index.html"
        assert page.is_file(), pattern.page
        assert 'class="mermaid"' in page.read_text(encoding="utf-8"), f"{pattern.page} has no Mermaid diagram"
        reference = site / "reference" / pattern.blueprint / "index.html"
        assert reference.is_file(), pattern.blueprint
    if MERMAID.is_file():
        assert (site / MERMAID_URL).read_bytes() == MERMAID.read_bytes()


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    """The site served on loopback."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Debian chromium with every shadow root opened (so the test can read Mermaid's SVG)."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).is_file():
            _missing(f"{path} is not installed (apt-get install chromium chromium-driver)")
    if not MERMAID.is_file():
        _missing("Mermaid is not vendored (npm ci --prefix docsite)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing("selenium is not installed (pip install -e '.[test]')")
        raise
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1000",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": OPEN_SHADOW_ROOTS})
    yield driver
    driver.quit()


def _until(condition: Any, what: str) -> Any:
    """Poll `condition()` until it returns something truthy, or fail naming `what`."""
    deadline = time.monotonic() + WAIT
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}", pytrace=False)
        time.sleep(0.1)


def _page_of(url: str, base_url: str) -> str:
    """A site URL as the page's path under docs/ (`blueprints/s3/` -> `blueprints/s3.md`)."""
    path = url.removeprefix(base_url).split("#", 1)[0].split("?", 1)[0].strip("/")
    return f"{path}.md" if path else "index.md"


DIAGRAM = """
const hosts = Array.from(document.querySelectorAll("article div.mermaid"));
return {
  unrendered: document.querySelectorAll("article pre.mermaid").length,
  diagrams: hosts.map(host => {
    const svg = host.shadowRoot && host.shadowRoot.querySelector("svg");
    const box = host.getBoundingClientRect();
    return {
      svg: !!svg,
      nodes: svg ? svg.querySelectorAll("g.node, g.actor, rect.actor, g.cluster").length : 0,
      text: svg ? svg.textContent : "",
      height: box.height,
    };
  }),
};
"""


def test_navigation_reaches_every_blueprint_page_and_its_diagram_renders(browser: Any, base_url: str) -> None:
    """From the home page, click each blueprint page's link in the navigation; each page's diagram is an SVG."""
    from selenium.webdriver.common.by import By

    expected = {pattern.page: pattern for pattern in catalogue().patterns}
    browser.get(base_url)
    links = browser.find_elements(By.CSS_SELECTOR, "nav.md-nav--primary a.md-nav__link[href]")
    in_nav = [_page_of(link.get_attribute("href"), base_url) for link in links]
    missing = sorted(set(expected) - set(in_nav))
    assert not missing, f"blueprint pages not in the navigation: {missing}"
    for page, pattern in expected.items():
        browser.get(base_url)
        link = next(
            link
            for link in browser.find_elements(By.CSS_SELECTOR, "nav.md-nav--primary a.md-nav__link[href]")
            if _page_of(link.get_attribute("href"), base_url) == page
        )
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", link)
        browser.execute_script("arguments[0].click();", link)
        _until(lambda page=page: _page_of(browser.current_url, base_url) == page, f"the navigation to reach {page}")
        heading = browser.find_element(By.CSS_SELECTOR, "article h1").text
        assert pattern.blueprint in heading, (page, heading)
        state = _until(
            lambda: (s := browser.execute_script(DIAGRAM))["diagrams"] and not s["unrendered"] and s,
            f"the Mermaid diagram of {page} to render",
        )
        for diagram in state["diagrams"]:
            assert diagram["svg"], f"{page}: a diagram has no SVG"
            assert diagram["nodes"] >= 2, f"{page}: a diagram rendered {diagram['nodes']} nodes"
            assert diagram["height"] > 50, f"{page}: a diagram is {diagram['height']} px high"
            assert "Syntax error" not in diagram["text"], f"{page}: Mermaid reports a syntax error"


@pytest.mark.parametrize("query", list(SOURCE_NAMES))
def test_search_finds_a_blueprint_by_its_source_name(browser: Any, base_url: str, query: str) -> None:
    """Typing the source's name into the search box lists the blueprint's page among the first three results."""
    from selenium.webdriver.common.by import By

    page = next(p.page for p in catalogue().patterns if p.blueprint == SOURCE_NAMES[query])
    browser.get(base_url)
    box = _until(lambda: browser.find_element(By.CSS_SELECTOR, "input.md-search__input"), "the search box")
    box.click()
    box.clear()
    box.send_keys(query)
    seen: list[str] = []

    def top_results() -> bool:  # the list re-renders while the query is typed: read it whole, until it settles
        hrefs = browser.execute_script(RESULTS)
        seen[:] = [_page_of(href, base_url) for href in hrefs[:3]]
        return page in seen

    deadline = time.monotonic() + WAIT
    while not top_results() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert page in seen, f"searching {query!r} lists {seen}, not {page}"


RESULTS = """
return Array.from(document.querySelectorAll("li.md-search-result__item > a.md-search-result__link"), a => a.href);
"""


def test_catalogue_filters_by_cloud_and_by_kind_of_event(browser: Any, base_url: str) -> None:
    """Pressing a cloud and a kind of event shows exactly the blueprints with both; pressing again clears."""
    from selenium.webdriver.common.by import By

    patterns = catalogue().patterns
    browser.get(base_url + "blueprints/")

    def shown() -> list[str]:
        rows = browser.find_elements(By.CSS_SELECTOR, "div.catalogue table tbody tr")
        return [row.find_element(By.CSS_SELECTOR, "td a").text for row in rows if row.is_displayed()]

    def press(key: str, value: str) -> None:
        browser.find_element(
            By.CSS_SELECTOR, f'button.catalogue-filter[data-filter="{key}"][data-value="{value}"]'
        ).click()

    _until(lambda: browser.find_elements(By.CSS_SELECTOR, "div.catalogue[data-ready]"), "the catalogue script")
    assert shown() == [p.blueprint for p in patterns]
    for cloud in catalogue().values("cloud"):
        press("cloud", cloud)
        assert shown() == [p.blueprint for p in patterns if p.cloud == cloud], cloud
        press("cloud", cloud)
    press("cloud", "AWS")
    press("events", "messages")
    assert shown() == [p.blueprint for p in patterns if p.cloud == "AWS" and p.events == "messages"]
    press("events", "object storage")
    assert shown() == [p.blueprint for p in patterns if p.cloud == "AWS" and p.events == "object storage"]
    press("events", "pipeline runs")
    assert shown() == []
    assert browser.find_element(By.CSS_SELECTOR, "div.catalogue .catalogue-empty").is_displayed()
    press("cloud", "AWS")
    assert shown() == [p.blueprint for p in patterns if p.events == "pipeline runs"]
