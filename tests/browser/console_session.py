"""Debian's Chromium and the console as a person uses it: sign-in, the forced new password, the language.

Shared by the browser suite and the console benchmark (tests/bench/console_figures.py). Elements are found
by role and accessible name as /tmp/prompts/console-contract.md lists them (English); `ConsoleText`
translates those names through the console's own catalogs for the Chinese UIs.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Browser, Page, Playwright, expect

from tests.running_product import REPO_ROOT, RunningProduct

CHROMIUM = Path("/usr/bin/chromium")
# Playwright adds --headless itself (Chromium's new headless mode); the rest works as root and keeps
# Chromium from reaching out to the network on its own.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CONSOLE_DIR = REPO_ROOT / "console"
CATALOG_DIR = CONSOLE_DIR / "src" / "i18n"
# What the console's build reads; a change to any of them makes console/dist stale.
_CONSOLE_SOURCES = (
    "src",
    "public",
    "index.html",
    "package.json",
    "package-lock.json",
    "vite.config.ts",
    "tsconfig.json",
)
LANGUAGE_NAMES = {"en": "English", "zh-Hant": "繁體中文", "zh-Hans": "简体中文"}


def launch_chromium(playwright: Playwright) -> Browser:
    if not CHROMIUM.is_file():
        raise AssertionError("Debian's Chromium is missing: apt-get install -y chromium (scripts/test does)")
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def npm(directory: Path, *arguments: str) -> None:
    """Runs npm in `directory`; a failure shows npm's output."""
    executable = shutil.which("npm")
    if executable is None:
        raise AssertionError("npm is missing: install Debian's nodejs and npm (scripts/test does)")
    result = subprocess.run([executable, *arguments], cwd=directory, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        output = (result.stdout + result.stderr)[-4000:]
        raise AssertionError(f"npm {' '.join(arguments)} failed in {directory}:\n{output}")


def _console_is_stale() -> bool:
    built = CONSOLE_DIR / "dist" / "index.html"
    if not built.is_file():
        return True
    built_at = built.stat().st_mtime
    for name in _CONSOLE_SOURCES:
        source = CONSOLE_DIR / name
        files = source.rglob("*") if source.is_dir() else [source]
        if any(path.is_file() and path.stat().st_mtime > built_at for path in files):
            return True
    return False


def build_console() -> Path:
    """console/dist, built first when missing or stale (npm ci first when node_modules is missing)."""
    if not (CONSOLE_DIR / "package.json").is_file():
        raise AssertionError("console/package.json is missing: the browser suite needs the web console")
    if not (CONSOLE_DIR / "node_modules").is_dir():
        npm(CONSOLE_DIR, "ci", "--no-audit", "--no-fund")
    if _console_is_stale():
        npm(CONSOLE_DIR, "run", "build")
    return CONSOLE_DIR / "dist"


def sign_in(page: Page, email: str, password: str) -> None:
    """Signs in with a password that needs no change and waits for the accounts list."""
    page.goto("/signin")
    page.get_by_role("textbox", name="E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Accounts")).to_be_visible()


def sign_in_first_time(
    page: Page,
    email: str,
    temporary_password: str,
    new_password: str,
    on_new_password: Callable[[], object] = lambda: None,
) -> None:
    """Signs in with the invitation's temporary password and sets a new one (Cognito's NEW_PASSWORD_REQUIRED)."""
    page.goto("/signin")
    page.get_by_role("textbox", name="E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(temporary_password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Set a new password")).to_be_visible()
    on_new_password()
    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_label("Confirm new password", exact=True).fill(new_password)
    page.get_by_role("button", name="Set password").click()
    expect(page.get_by_role("heading", level=1, name="Accounts")).to_be_visible()


def id_token(product: RunningProduct, email: str, password: str) -> str:
    """The same user's ID token, as another tab or another device of theirs would hold it."""
    answer = product.cognito().initiate_auth(
        ClientId=product.config["user_pool_client_id"],
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": password},
    )
    return answer["AuthenticationResult"]["IdToken"]


class ConsoleText:
    """The console's product strings in one language, looked up by their English text."""

    def __init__(self, language: str):
        self.language = language
        english = _flatten(json.loads(_catalog_path("en").read_text()))
        translated = _flatten(json.loads(_catalog_path(language).read_text()))
        self._catalog = translated
        self._by_english: dict[str, set[str]] = {}
        for key, text in english.items():
            if key in translated:
                self._by_english.setdefault(text, set()).add(translated[key])

    def __call__(self, english: str) -> str:
        if self.language == "en":
            return english
        found = self._by_english.get(english)
        assert found, f"no {self.language} text for {english!r} in {CATALOG_DIR}"
        assert len(found) == 1, f"{english!r} has several {self.language} texts {sorted(found)}: use at(key)"
        return next(iter(found))

    def at(self, key: str) -> str:
        """The text of a catalog key, for English words with several translations (a person's "Name")."""
        return self._catalog[key]


def _catalog_path(language: str) -> Path:
    candidates = [CATALOG_DIR / f"{language}.json", CATALOG_DIR / language / "translation.json"]
    found = next((path for path in candidates if path.is_file()), None)
    assert found, f"the console has no {language} catalog at {' or '.join(map(str, candidates))}"
    return found


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        elif isinstance(value, str):
            flat[f"{prefix}{key}"] = value
    return flat
