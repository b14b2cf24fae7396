"""The console's figures `scripts/bench` prints: first-load JavaScript and the accounts list's time to interactive.

- first_load_js: the JavaScript `/` loads before any route code, from the built console/dist/index.html: its
  module scripts and the modules it preloads, each gzipped (level 6, as a web server or CDN would).
  Target ≤ 350 KB gzip.
- accounts_list_interactive: in Debian's headless Chromium against a started local runtime whose tenant has
  1,000 accounts (created through the API with the owner's token), the time from navigation start to the
  accounts table showing its first rows, the next page enabled and the main thread idle. Median of several
  loads of /accounts in a signed-in tab. Target ≤ 1.5 s.

Timings are reported, never asserted. Run through scripts/bench (builds the console first when missing).
"""

import gzip
import json
import statistics
import sys
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "console" / "dist"
ACCOUNTS = 1000
SEEDING_THREADS = 4
LOADS = 7
JS_TARGET_KB = 350
INTERACTIVE_TARGET_S = 1.5

# performance.now() is measured from the navigation's start; requestIdleCallback runs once the page is idle.
_IDLE_AT_MS = "() => new Promise(resolve => requestIdleCallback(() => resolve(performance.now())))"


class _FirstLoadScripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.paths: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.paths.append(attributes["src"])
        elif tag == "link" and attributes.get("rel") == "modulepreload" and attributes.get("href"):
            self.paths.append(attributes["href"])


def first_load_js(dist: Path = DIST) -> dict:
    parser = _FirstLoadScripts()
    parser.feed((dist / "index.html").read_text())
    files = {}
    for path in dict.fromkeys(parser.paths):  # in order, once each
        content = (dist / path.lstrip("/")).read_bytes()
        files[path] = {"bytes": len(content), "gzip_bytes": len(gzip.compress(content, compresslevel=6))}
    gzip_kb = sum(file["gzip_bytes"] for file in files.values()) / 1024
    return {
        "gzip_kb": round(gzip_kb, 1),
        "raw_kb": round(sum(file["bytes"] for file in files.values()) / 1024, 1),
        "target_gzip_kb": JS_TARGET_KB,
        "within_target": gzip_kb <= JS_TARGET_KB,
        "files": files,
    }


def accounts_list_interactive() -> dict:
    from playwright.sync_api import expect, sync_playwright

    from tests.browser.console_session import launch_chromium, sign_in
    from tests.running_product import RunningProduct

    product = RunningProduct.start("bench-console")
    try:
        owner = product.new_tenant_owner()

        def create(number: int) -> None:
            body = {"name": f"香港客戶 {number:04d} 有限公司", "email": f"client{number:04d}@example.hk"}
            response = owner.call("POST", "/v1/accounts", json=body)
            assert response.status_code == 201, response.text

        with ThreadPoolExecutor(SEEDING_THREADS) as pool:
            list(pool.map(create, range(ACCOUNTS)))

        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            context = browser.new_context(base_url=product.base_url, viewport={"width": 1280, "height": 800})
            page = context.new_page()
            sign_in(page, owner.email, owner.password)
            samples_ms = []
            for _ in range(LOADS):
                page.goto("/accounts")
                rows = page.get_by_role("table").get_by_role("row")
                expect(rows.nth(1)).to_be_visible(timeout=30_000)
                expect(page.get_by_role("button", name="Next page")).to_be_enabled()
                samples_ms.append(page.evaluate(_IDLE_AT_MS))
            first_page_rows = rows.count() - 1
            browser.close()
    finally:
        product.stop()
    median_s = statistics.median(samples_ms) / 1000
    return {
        "median_s": round(median_s, 3),
        "target_s": INTERACTIVE_TARGET_S,
        "within_target": median_s <= INTERACTIVE_TARGET_S,
        "samples_ms": [round(sample) for sample in samples_ms],
        "accounts": ACCOUNTS,
        "rows_on_first_page": first_page_rows,
    }


def main() -> None:
    from tests.browser.console_session import build_console

    build_console()
    javascript = first_load_js()
    interactive = accounts_list_interactive()
    print(
        json.dumps(
            {
                "console_first_load_js_gzip_kb": javascript["gzip_kb"],
                "console_first_load_js_target_kb": JS_TARGET_KB,
                "console_first_load_js": javascript,
                "console_accounts_list_interactive_s": interactive["median_s"],
                "console_accounts_list_interactive_target_s": INTERACTIVE_TARGET_S,
                "console_accounts_list_interactive": interactive,
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    sys.path[:0] = [str(ROOT / "layers" / "core"), str(ROOT)]
    main()
