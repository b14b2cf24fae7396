"""The browser suite's fixtures: a built console served by a started local runtime, Debian's Chromium driven
by Playwright, a fresh context per test, screenshots per step, and no console errors allowed.

Run with `uv run --frozen pytest -q tests/browser`. Chromium comes from apt (`/usr/bin/chromium`); no
browser is ever downloaded. The console is built here when `console/dist` is missing or older than its
sources, and axe-core is installed with `npm ci` from `tests/browser/package-lock.json` when missing.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, WebError, sync_playwright

from tests.browser.console_session import build_console, launch_chromium, npm
from tests.running_product import ARTIFACTS_DIR, RunningProduct

BROWSER_SUITE_DIR = Path(__file__).resolve().parent
AXE_SCRIPT = BROWSER_SUITE_DIR / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS_DIR = ARTIFACTS_DIR / "browser"
# Chromium logs every 4xx response as a console error; those are answers the console shows (a conflict,
# a validation problem), not faults. 5xx responses and everything else the page logs as an error count.
_HANDLED_RESPONSE_LOG = re.compile(r"Failed to load resource: the server responded with a status of 4\d\d")


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's browser bundle, installed from this folder's lock file when missing."""
    if not AXE_SCRIPT.is_file():
        npm(BROWSER_SUITE_DIR, "ci", "--no-audit", "--no-fund")
    return AXE_SCRIPT.read_text()


@dataclass
class PageFaults:
    """Uncaught exceptions and console errors of every page in the test's contexts."""

    errors: list[str] = field(default_factory=list)

    def watch(self, context: BrowserContext) -> BrowserContext:
        context.on("weberror", self._on_web_error)
        context.on("console", self._on_console)
        return context

    def _on_web_error(self, error: WebError) -> None:
        page = error.page.url if error.page else "?"
        self.errors.append(f"uncaught exception on {page}: {error.error}")

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and not _HANDLED_RESPONSE_LOG.search(message.text):
            self.errors.append(f"console error on {message.page.url if message.page else '?'}: {message.text}")


@dataclass
class Screenshots:
    """test-artifacts/browser/<test>/<NN>-<step>.png, numbered in the order the steps ran."""

    directory: Path
    taken: list[Path] = field(default_factory=list)

    def take(self, page: Page, step: str) -> Path:
        slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        path = self.directory / f"{len(self.taken) + 1:02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)
        return path


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    # The page fixture's teardown reads this to screenshot the pages of a failed test.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def product() -> Iterator[RunningProduct]:
    """One local runtime serving the built console; every test signs up its own tenant on it."""
    build_console()
    running = RunningProduct.start("browser")
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def screenshots(request: pytest.FixtureRequest) -> Screenshots:
    directory = SCREENSHOTS_DIR / re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    return Screenshots(directory)


@pytest.fixture
def new_context(browser: Browser, product: RunningProduct) -> Iterator[Callable[..., BrowserContext]]:
    """Opens fresh, watched browser contexts (a second one is a second person or a second tab's session)."""
    opened: list[BrowserContext] = []

    def open_context(**options) -> BrowserContext:
        context = browser.new_context(
            base_url=product.base_url,
            locale="en-US",
            timezone_id="Asia/Hong_Kong",
            viewport={"width": 1280, "height": 800},
            **options,
        )
        context.set_default_timeout(15_000)
        opened.append(context)
        return context

    yield open_context
    for context in opened:
        context.close()


@pytest.fixture
def faults() -> PageFaults:
    return PageFaults()


@pytest.fixture
def context(new_context, faults: PageFaults) -> BrowserContext:
    return faults.watch(new_context())


@pytest.fixture
def page(
    request: pytest.FixtureRequest, context: BrowserContext, faults: PageFaults, screenshots: Screenshots
) -> Iterator[Page]:
    page = context.new_page()
    yield page
    call = getattr(request.node, "report_call", None)
    if call is not None and call.failed:
        for index, open_page in enumerate(context.pages):
            if not open_page.is_closed():
                screenshots.take(open_page, f"failure-page-{index + 1}")
    assert not faults.errors, "the console logged errors or threw:\n" + "\n".join(faults.errors)
