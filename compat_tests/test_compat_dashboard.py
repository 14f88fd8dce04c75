"""The web dashboard at /dashboard in a real browser (headless Chromium from Debian's packages).

One seeded collection (400 points in four clusters, an HNSW graph built, a keyword index, an alias);
each test opens one page, performs its main action, checks the DOM against what the REST API says,
checks that the browser console has no errors, and saves a screenshot (see compat_dashboard_browser
for where). Expected values always come from raw REST calls of the test itself, never from constants
the dashboard could share.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from compat_dashboard_browser import (
    DESKTOP,
    NARROW,
    all_css,
    console_errors,
    css,
    screenshot_dir,
    set_viewport,
    start_browser,
    text_of,
    type_into,
    wait,
)
from compat_server import start_server
from conftest import unique_collection_name
from selenium import webdriver
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import Select

pytestmark = pytest.mark.raw_http

DIM = 16
COUNT = 400
CITIES = ["Berlin", "Paris", "Rome", "Oslo"]
API_KEY = "dashboard-test-key"


@pytest.fixture(scope="module")
def seeded(raw: httpx.Client) -> Iterator[dict[str, str]]:
    name = unique_collection_name("dash")
    alias = f"{name}_alias"
    rng = random.Random(14)
    centers = {c: [rng.gauss(0, 1) for _ in range(DIM)] for c in CITIES}
    points = [{"id": i, "vector": [x + rng.gauss(0, 0.35) for x in centers[CITIES[i % 4]]],
               "payload": {"city": CITIES[i % 4], "price": i % 50, "meta": {"tags": ["new", "sale"][: i % 3]}}}
              for i in range(1, COUNT + 1)]
    # A low indexing threshold so the optimizer builds an HNSW graph and approximate search is real.
    assert raw.put(f"/collections/{name}", json={
        "vectors": {"size": DIM, "distance": "Cosine"}, "hnsw_config": {"m": 8, "ef_construct": 32},
        "optimizers_config": {"indexing_threshold": 20}}).status_code == 200
    assert raw.put(f"/collections/{name}/points?wait=true", json={"points": points}).status_code == 200
    assert raw.put(f"/collections/{name}/index?wait=true",
                   json={"field_name": "city", "field_schema": "keyword"}).status_code == 200
    assert raw.post("/collections/aliases", json={"actions": [
        {"create_alias": {"collection_name": name, "alias_name": alias}}]}).status_code == 200
    deadline = time.monotonic() + 60
    while True:
        info = raw.get(f"/collections/{name}").json()["result"]
        if info["status"] == "green" and info["indexed_vectors_count"] == COUNT:
            break
        assert time.monotonic() < deadline, f"collection never indexed: {info}"
        time.sleep(0.2)
    yield {"name": name, "alias": alias}
    raw.delete(f"/collections/{name}")


@pytest.fixture(scope="module")
def download_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("dashboard-downloads")


@pytest.fixture(scope="module")
def browser(server: Any, download_dir: Path) -> Iterator[webdriver.Chrome]:
    if server is None:
        pytest.skip("the dashboard needs the real server")
    driver = start_browser(download_dir)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return screenshot_dir(tmp_path_factory.mktemp("dashboard-screenshots"))


@pytest.fixture
def page(browser: webdriver.Chrome, server: Any) -> Iterator[webdriver.Chrome]:
    """The browser at desktop size with an empty console log; each test opens its own page."""
    set_viewport(browser, *DESKTOP)
    browser.get(f"{server.url}/dashboard/")
    css(browser, "#main h1")
    console_errors(browser)
    yield browser


def open_page(driver: webdriver.Chrome, server: Any, fragment: str) -> None:
    driver.get(f"{server.url}/dashboard/#/{fragment}")


def save(driver: webdriver.Chrome, shots: Path, name: str) -> None:
    driver.execute_script("window.scrollTo(0, 0)")
    assert driver.save_screenshot(str(shots / f"{name}.png"))


def query_ids(raw: httpx.Client, name: str, vector: list[float], k: int, exact: bool) -> list[Any]:
    body = {"query": vector, "limit": k, "params": {"exact": exact}}
    return [p["id"] for p in raw.post(f"/collections/{name}/points/query", json=body).json()["result"]["points"]]


def _downloaded(directory: Path, name: str) -> Path | None:
    """The downloaded file once the browser has finished writing it (no .crdownload left)."""
    path = directory / name
    if path.exists() and not list(directory.glob("*.crdownload")):
        return path
    return None


def test_static_files_are_served_without_credentials_and_only_from_the_package(raw: httpx.Client) -> None:
    assert raw.get("/dashboard").status_code == 307
    index = raw.get("/dashboard/")
    assert index.status_code == 200 and index.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in index.headers["content-security-policy"]
    assert raw.get("/dashboard/main.js").headers["content-type"].startswith("text/javascript")
    for outside in ("/dashboard/%2e%2e/dashboard_routes.py", "/dashboard/..%2fapp.py", "/dashboard/missing.js"):
        answer = raw.get(outside)
        assert answer.status_code == 404 and "error" in answer.json()["status"]


def test_collections_page_shows_counts_status_schema_and_aliases(
    page: webdriver.Chrome, server: Any, raw: httpx.Client, seeded: dict[str, str], shots: Path
) -> None:
    name = seeded["name"]
    info = raw.get(f"/collections/{name}").json()["result"]
    open_page(page, server, "collections")
    row = css(page, f'tr[data-collection="{name}"]')
    cell = lambda field: row.find_element("css selector", f'[data-field="{field}"]').text  # noqa: E731
    assert f"{info['points_count']:,}" == cell("points") == f"{COUNT:,}"
    assert cell("segments") == f"{info['segments_count']:,}"
    assert cell("indexed") == f"{info['indexed_vectors_count']:,}"
    assert cell("vectors") == f"{DIM} × Cosine"
    assert cell("schema") == f"city keyword {info['payload_schema']['city']['points']:,} pts"
    assert cell("aliases") == seeded["alias"]
    status = row.find_element("css selector", ".status")
    assert status.text == "green" and "status-green" in (status.get_attribute("class") or "")
    save(page, shots, "collections")
    assert console_errors(page) == []


def test_collection_page_creates_and_drops_a_payload_index(
    page: webdriver.Chrome, server: Any, raw: httpx.Client, seeded: dict[str, str], shots: Path
) -> None:
    name = seeded["name"]
    open_page(page, server, f"collections/{name}")
    assert text_of(page, '[data-field="optimizer"] .card-value') == "ok"
    assert text_of(page, '[data-field="points"] .card-value') == f"{COUNT:,}"
    type_into(css(page, "#index-field"), "price")
    Select(css(page, "#index-type")).select_by_value("integer")
    css(page, "#create-index button[type=submit]").click()
    row = css(page, 'tr[data-index="price"]')
    schema = raw.get(f"/collections/{name}").json()["result"]["payload_schema"]
    assert schema["price"]["data_type"] == "integer"
    assert row.text.split()[:2] == ["price", "integer"] and f"{schema['price']['points']:,}" in row.text
    save(page, shots, "collection")
    drop = row.find_element("css selector", "[data-drop]")
    drop.click()
    assert drop.text == "Confirm drop"
    drop.click()
    wait(page, lambda d: not all_css(d, 'tr[data-index="price"]'))
    assert "price" not in raw.get(f"/collections/{name}").json()["result"]["payload_schema"]
    assert all_css(page, 'tr[data-index="city"]')
    assert console_errors(page) == []


def test_points_browser_validates_the_filter_and_pages_through_matches(
    page: webdriver.Chrome, server: Any, raw: httpx.Client, seeded: dict[str, str], shots: Path
) -> None:
    name = seeded["name"]
    open_page(page, server, f"collections/{name}/points")
    css(page, "#points-table")
    editor = css(page, "#points-filter")
    status = css(page, "#points-filter-status")

    type_into(editor, '{"must": [{"key": "city"')
    wait(page, lambda d: status.text.startswith("Not JSON"))

    bad = {"must": [{"key": "city", "match": {"valeu": "Berlin"}}]}
    expected = raw.post(f"/collections/{name}/points/count", json={"filter": bad, "exact": True})
    assert expected.status_code == 400
    type_into(editor, json.dumps(bad))
    wait(page, lambda d: "invalid" in (status.get_attribute("class") or "") and "400" in status.text)
    assert status.text == f"400: {expected.json()['status']['error']}"

    good = {"must": [{"key": "city", "match": {"value": "Berlin"}}]}
    count = raw.post(f"/collections/{name}/points/count", json={"filter": good, "exact": True}).json()["result"]["count"]
    type_into(editor, json.dumps(good))
    wait(page, lambda d: status.text == f"Valid filter: {count:,} points match")
    editor.send_keys(Keys.CONTROL, Keys.ENTER)

    first = raw.post(f"/collections/{name}/points/scroll", json={"filter": good, "limit": 10}).json()["result"]
    second = raw.post(f"/collections/{name}/points/scroll",
                      json={"filter": good, "limit": 10, "offset": first["next_page_offset"]}).json()["result"]
    shown = lambda d: [r.get_attribute("data-id") for r in all_css(d, "#points-table tbody tr")]  # noqa: E731
    wait(page, lambda d: shown(d) == [str(p["id"]) for p in first["points"]])
    cells = all_css(page, "#points-table tbody tr")[0].find_elements("css selector", "td")
    assert 'city: "Berlin"' in cells[0].text and f"{DIM} dims" in cells[1].text
    save(page, shots, "points")
    css(page, "#next-page").click()
    wait(page, lambda d: shown(d) == [str(p["id"]) for p in second["points"]])
    assert text_of(page, "#page-info") == "Page 2 · 10 points"
    css(page, "#prev-page").click()
    wait(page, lambda d: shown(d) == [str(p["id"]) for p in first["points"]])
    assert console_errors(page, allowed=[rf"/collections/{name}/points/count - .* 400"]) == []


def test_console_sends_any_call_and_shows_answer_timing_and_history(
    page: webdriver.Chrome, server: Any, raw: httpx.Client, seeded: dict[str, str], shots: Path
) -> None:
    name = seeded["name"]
    open_page(page, server, "console")
    Select(css(page, "#console-collection")).select_by_value(name)
    Select(css(page, "#console-examples")).select_by_visible_text("Count")
    editor = css(page, "#console-editor")
    assert editor.get_attribute("value").startswith(f"POST /collections/{name}/points/count")
    editor.send_keys(Keys.CONTROL, Keys.ENTER)
    wait(page, lambda d: text_of(d, "#console-status") == "HTTP 200")
    answer = json.loads(text_of(page, "#console-output"))
    assert answer["result"]["count"] == raw.post(f"/collections/{name}/points/count", json={"exact": True}).json()["result"]["count"]
    assert text_of(page, "#console-time").startswith("round trip ") and text_of(page, "#console-time").endswith(" ms")
    assert css(page, "#console-history li button").text == f"POST /collections/{name}/points/count"
    save(page, shots, "console")

    missing = unique_collection_name("missing")
    type_into(editor, f"GET /collections/{missing}")
    css(page, "#console-send").click()
    wait(page, lambda d: text_of(d, "#console-status") == "HTTP 404")
    assert json.loads(text_of(page, "#console-output"))["status"]["error"] == \
        raw.get(f"/collections/{missing}").json()["status"]["error"]
    type_into(editor, "FETCH /collections")
    css(page, "#console-send").click()
    wait(page, lambda d: "Unknown method FETCH" in text_of(d, "#console-meta"))
    assert console_errors(page, allowed=[rf"/collections/{missing} - .* 404"]) == []


def test_search_quality_reports_recall_that_rest_reproduces(
    page: webdriver.Chrome, server: Any, raw: httpx.Client, seeded: dict[str, str], shots: Path
) -> None:
    name, k = seeded["name"], 5
    open_page(page, server, f"collections/{name}/quality")
    type_into(css(page, "#quality-n"), "12")
    type_into(css(page, "#quality-k"), str(k))
    css(page, "#quality-run").click()
    mean_text = text_of(page, "#mean-recall")
    rows = all_css(page, "#quality-table tbody tr")
    assert len(rows) == 12 and text_of(page, "#query-count") == "12"
    recalls = []
    for row in rows:
        point = raw.get(f"/collections/{name}/points/{row.get_attribute('data-id')}").json()["result"]
        approx = query_ids(raw, name, point["vector"], k, exact=False)
        exact = query_ids(raw, name, point["vector"], k, exact=True)
        recall = len(set(approx) & set(exact)) / len(exact)
        recalls.append(recall)
        assert row.find_element("css selector", '[data-field="recall"]').text == f"{recall:.3f}"
        assert row.text.count(" ms") == 4
    assert mean_text == f"{sum(recalls) / len(recalls):.3f}"
    save(page, shots, "quality")

    # The same filter for both searches: every sampled point matches it.
    type_into(css(page, "#quality-filter"), '{"must": [{"key": "city", "match": {"value": "Oslo"}}]}')
    wait(page, lambda d: text_of(d, "#quality-filter-status").startswith("Valid filter"))
    previous = css(page, "#mean-recall")
    css(page, "#quality-run").click()
    wait(page, staleness_of(previous))  # the first run's summary is gone ...
    css(page, "#mean-recall")  # ... and the second run's is there
    ids = [r.get_attribute("data-id") for r in all_css(page, "#quality-table tbody tr")]
    assert len(ids) == 12
    got = raw.post(f"/collections/{name}/points", json={"ids": [int(i) for i in ids]}).json()["result"]
    assert {p["payload"]["city"] for p in got} == {"Oslo"}
    assert console_errors(page) == []


def test_snapshots_create_download_recover_and_delete(
    page: webdriver.Chrome, server: Any, raw: httpx.Client, seeded: dict[str, str], shots: Path,
    download_dir: Path,
) -> None:
    name = seeded["name"]
    open_page(page, server, f"collections/{name}/snapshots")
    css(page, "#snapshot-create").click()
    created = text_of(page, "#snapshot-created")
    listed = raw.get(f"/collections/{name}/snapshots").json()["result"]
    assert len(listed) == 1
    snap = listed[0]
    assert created.startswith(f"Created {snap['name']} (")
    row = css(page, f'tr[data-snapshot="{snap["name"]}"]')
    assert snap["checksum"][:12] in row.text
    save(page, shots, "snapshots")

    row.find_element("css selector", '[data-action="download"]').click()
    got = wait(page, lambda d: _downloaded(download_dir, snap["name"]))
    assert hashlib.sha256(got.read_bytes()).hexdigest() == snap["checksum"]

    # Recover into a new collection from the file on disk, through the upload form.
    copy = unique_collection_name("recovered")
    css(page, "#snapshot-file").send_keys(str(got))
    type_into(css(page, "#recover-target"), copy)
    css(page, "#snapshot-upload").click()
    assert text_of(page, "#recover-done") == f"Recovered {copy} from {snap['name']}."
    try:
        assert raw.get(f"/collections/{copy}").json()["result"]["points_count"] == COUNT
    finally:
        raw.delete(f"/collections/{copy}")

    # ... and from the listed snapshot itself (fetched, then uploaded again): a second click confirms.
    second = unique_collection_name("recovered")
    type_into(css(page, "#recover-target"), second)
    recover = css(page, f'tr[data-snapshot="{snap["name"]}"] [data-action="recover"]')
    recover.click()
    assert recover.text == "Confirm recover"
    recover.click()
    wait(page, lambda d: text_of(d, "#recover-done") == f"Recovered {second} from {snap['name']}.")
    try:
        assert raw.get(f"/collections/{second}").json()["result"]["points_count"] == COUNT
    finally:
        raw.delete(f"/collections/{second}")

    delete = css(page, f'tr[data-snapshot="{snap["name"]}"] [data-action="delete"]')
    delete.click()
    assert raw.get(f"/collections/{name}/snapshots").json()["result"] != []  # armed, not yet deleted
    delete.click()
    wait(page, lambda d: not all_css(d, f'tr[data-snapshot="{snap["name"]}"]'))
    assert raw.get(f"/collections/{name}/snapshots").json()["result"] == []
    assert console_errors(page) == []


def test_projection_plots_the_sample_coloured_by_payload_and_points_are_clickable(
    page: webdriver.Chrome, server: Any, raw: httpx.Client, seeded: dict[str, str], shots: Path
) -> None:
    name = seeded["name"]
    open_page(page, server, f"collections/{name}/projection")
    # The page projects a first sample of 300 by itself, then again with the settings chosen.
    wait(page, lambda d: len(all_css(d, "#projection-plot circle[data-id]")) == 300)
    wait(page, lambda d: css(d, "#projection-run").is_enabled())
    type_into(css(page, "#projection-n"), "200")
    css(page, "#projection-run").click()
    wait(page, lambda d: len(all_css(d, "#projection-plot circle[data-id]")) == 200)
    assert Select(css(page, "#projection-colour")).first_selected_option.text == "city"
    legend = [li.text for li in all_css(page, "#projection-legend li")]
    assert sorted(t.split(" ")[0] for t in legend) == sorted(CITIES)
    assert sum(int(t.split("(")[1].rstrip(")")) for t in legend) == 200
    # Four well separated clusters: dots of one city share a colour, and the colours differ.
    dots = all_css(page, "#projection-plot circle[data-id]")
    colour_by_city: dict[str, set[str]] = {}
    sample = dict(page.execute_script(  # one round trip instead of two per dot
        "return [...document.querySelectorAll('#projection-plot circle[data-id]')]"
        ".map((c) => [c.dataset.id, c.getAttribute('fill')])"))
    got = raw.post(f"/collections/{name}/points", json={"ids": [int(i) for i in sample], "with_payload": True})
    for p in got.json()["result"]:
        colour_by_city.setdefault(p["payload"]["city"], set()).add(sample[str(p["id"])])
    assert all(len(c) == 1 for c in colour_by_city.values()) and len(set().union(*colour_by_city.values())) == 4
    assert "of variance" in text_of(page, "#projection-summary")

    dots[-1].click()  # the last dot drawn is on top of any it overlaps
    picked = dots[-1].get_attribute("data-id")
    wait(page, lambda d: text_of(d, "#detail-id") == picked)
    point = raw.get(f"/collections/{name}/points/{picked}").json()["result"]
    assert f'city: "{point["payload"]["city"]}"' in text_of(page, "#projection-detail")
    save(page, shots, "projection")
    dots[3].send_keys(Keys.ENTER)  # keyboard: a focused dot opens like a click
    wait(page, lambda d: text_of(d, "#detail-id") == dots[3].get_attribute("data-id"))
    Select(css(page, "#projection-colour")).select_by_value("price")
    wait(page, lambda d: len(all_css(d, "#projection-legend li")) == 2)  # 50 numbers: a ramp, min and max
    shown = text_of(page, "#detail-id")
    css(page, "#detail-open").click()  # the point in the points browser, through a has_id filter
    wait(page, lambda d: [r.get_attribute("data-id") for r in all_css(d, "#points-table tbody tr")] == [shown])
    assert text_of(page, "#points-filter-status") == "Valid filter: 1 point matches"
    assert console_errors(page) == []


def test_keyboard_alone_reaches_a_collection_from_the_list(
    page: webdriver.Chrome, server: Any, seeded: dict[str, str]
) -> None:
    name = seeded["name"]
    open_page(page, server, "collections")
    css(page, f'tr[data-collection="{name}"]')
    target = f"#/collections/{name}"
    focusable = len(all_css(page, "a[href], button, input, select, textarea"))  # other tests' collections too
    for _ in range(focusable + 2):
        page.switch_to.active_element.send_keys(Keys.TAB)
        if page.switch_to.active_element.get_attribute("href") == f"{server.url}/dashboard/{target}":
            break
    else:
        pytest.fail("Tab never reached the collection's link")
    page.switch_to.active_element.send_keys(Keys.ENTER)
    wait(page, lambda d: text_of(d, "#main h1") == name and d.execute_script("return location.hash") == target)
    assert console_errors(page) == []


@pytest.mark.parametrize("fragment", ["collections", "collections/{c}", "collections/{c}/points", "console",
                                      "collections/{c}/quality", "collections/{c}/snapshots",
                                      "collections/{c}/projection"])
def test_narrow_screen_has_no_horizontal_page_scroll(
    page: webdriver.Chrome, server: Any, seeded: dict[str, str], shots: Path, fragment: str
) -> None:
    set_viewport(page, *NARROW)
    open_page(page, server, fragment.replace("{c}", seeded["name"]))
    css(page, "#main h1")
    wait(page, lambda d: d.execute_script("return document.querySelectorAll('.muted').length >= 0"))
    time.sleep(0.3)  # let the page's first requests land before measuring
    width = page.execute_script("return document.documentElement.scrollWidth")
    assert width <= NARROW[0], f"page is {width}px wide on a {NARROW[0]}px screen"
    save(page, shots, "narrow-" + fragment.split("/")[-1].replace("{c}", "collection"))
    assert console_errors(page) == []


@pytest.fixture(scope="module")
def keyed_server(tmp_path_factory: pytest.TempPathFactory, server: Any) -> Iterator[Any]:
    """A second server that demands an API key (the session's server runs without auth)."""
    proc = start_server(tmp_path_factory.mktemp("dashboard-auth"), env={"QDRANT__SERVICE__API_KEY": API_KEY})
    try:
        yield proc
    finally:
        proc.stop()


def test_with_auth_on_the_page_loads_without_a_key_and_a_401_prompts_for_one_kept_in_session_storage(
    page: webdriver.Chrome, keyed_server: Any, shots: Path
) -> None:
    name = unique_collection_name("keyed")
    keyed = httpx.Client(base_url=keyed_server.url, headers={"api-key": API_KEY}, timeout=60)
    assert keyed.put(f"/collections/{name}", json={"vectors": {"size": 4, "distance": "Dot"}}).status_code == 200
    anonymous = httpx.get(f"{keyed_server.url}/collections", timeout=60)
    assert anonymous.status_code == 401 and httpx.get(f"{keyed_server.url}/dashboard/", timeout=60).status_code == 200

    page.get(f"{keyed_server.url}/dashboard/#/collections")  # the files themselves need no key
    dialog = css(page, "#key-dialog")
    wait(page, lambda d: dialog.get_attribute("open") is not None)
    assert "401" in text_of(page, "#key-reason")
    save(page, shots, "api-key-prompt")
    type_into(css(page, "#key-input"), "wrong")
    css(page, "#key-save").click()  # refused again: the prompt comes back
    wait(page, lambda d: dialog.get_attribute("open") is not None and css(d, "#key-input").get_attribute("value") == "wrong")
    type_into(css(page, "#key-input"), API_KEY)
    css(page, "#key-input").send_keys(Keys.ENTER)
    css(page, f'tr[data-collection="{name}"]')  # listed: the key was sent as api-key
    assert page.execute_script("return sessionStorage.getItem('quiver.apiKey')") == API_KEY

    # Cancelling the prompt shows the server's refusal instead of the page.
    page.execute_script("sessionStorage.clear()")
    page.refresh()
    wait(page, lambda d: css(d, "#key-dialog").get_attribute("open") is not None)
    css(page, "#key-cancel").click()
    wait(page, lambda d: text_of(d, "#main .error") == anonymous.text)
    assert console_errors(page, allowed=[r" - Failed to load resource: .* 401"]) == []
    keyed.close()
