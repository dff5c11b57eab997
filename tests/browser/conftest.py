import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Debian's chromium through Playwright (slow)")


@pytest.fixture
def browser_page(live_server, settings):
    """A Playwright page in Debian's chromium (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 860}, locale="zh-CN")
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        context.close()
        browser.close()


@pytest.fixture
def screenshot_dir(tmp_path) -> Path:
    """Where screenshots go: $KEXIE_SCREENSHOT_DIR if set (to look at them), else a temp dir."""
    target = Path(os.environ.get("KEXIE_SCREENSHOT_DIR") or tmp_path / "shots")
    target.mkdir(parents=True, exist_ok=True)
    return target
