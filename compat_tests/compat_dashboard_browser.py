"""Headless Chromium (Debian's `chromium` + `chromedriver`, installed by tools/setup_browser.sh)
driven through selenium, for the dashboard tests: console-error collection, waits, screenshots.

No browser is downloaded: the binaries must be on PATH; a missing one fails the test with the
command that installs it.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

WAIT_S = 30
DESKTOP = (1280, 800)
NARROW = (390, 844)
# Where screenshots go: this directory if set, else the test session's temporary directory.
SCREENSHOT_ENV = "QUIVER_DASHBOARD_SCREENSHOTS"


def _binary(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail(f"{' / '.join(names)} not found: run `bash tools/setup_browser.sh` (as root) first")


def start_browser(download_dir: Path) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = _binary("chromium", "chromium-browser")
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-extensions", "--no-first-run", "--lang=en-US", f"--window-size={DESKTOP[0]},{DESKTOP[1]}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.add_experimental_option("prefs", {"download.default_directory": str(download_dir),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(_binary("chromedriver")), options=options)
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(download_dir)})
    set_viewport(driver, *DESKTOP)
    return driver


def set_viewport(driver: webdriver.Chrome, width: int, height: int) -> None:
    """The page's viewport exactly (a headless window's size includes no browser chrome to guess)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


def screenshot_dir(default: Path) -> Path:
    chosen = os.environ.get(SCREENSHOT_ENV)
    path = Path(chosen) if chosen else default
    path.mkdir(parents=True, exist_ok=True)
    return path


def console_errors(driver: webdriver.Chrome, allowed: Iterable[str] = ()) -> list[str]:
    """SEVERE console entries since the last call, less those matching an `allowed` pattern (the
    browser itself logs every 4xx answer to fetch(); a test that provokes one says which)."""
    patterns = [re.compile(p) for p in allowed]
    entries: list[dict[str, Any]] = driver.get_log("browser")
    return [e["message"] for e in entries
            if e.get("level") == "SEVERE" and not any(p.search(e["message"]) for p in patterns)]


def wait(driver: webdriver.Chrome, condition: Callable[[webdriver.Chrome], Any], timeout: float = WAIT_S) -> Any:
    # A page re-renders by replacing elements: one found a moment ago may be gone when it is read.
    ignored = (NoSuchElementException, StaleElementReferenceException)
    return WebDriverWait(driver, timeout, poll_frequency=0.1, ignored_exceptions=ignored).until(condition)


def css(driver: webdriver.Chrome, selector: str) -> WebElement:
    return wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, selector))


def all_css(driver: webdriver.Chrome | WebElement, selector: str) -> list[WebElement]:
    return driver.find_elements(By.CSS_SELECTOR, selector)


def text_of(driver: webdriver.Chrome, selector: str) -> str:
    return str(css(driver, selector).text)


def type_into(element: WebElement, text: str) -> None:
    """Replace an input's text by typing it, as a person would (fires one input event per key)."""
    element.clear()
    element.send_keys(text)
