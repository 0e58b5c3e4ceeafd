"""The browser tests' fixtures: a live console per test module, one Chromium per module."""

from tests.browser.live import browser, live

__all__ = ["browser", "live"]
