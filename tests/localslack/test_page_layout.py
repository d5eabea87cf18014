"""The local page's layout in headless Chromium at 1400 px and 390 px wide, on the real bot's output.

One sample export is segmented by segbot itself (four charts in the thread), then each test opens
the page in a fresh browser context: the full-size chart viewer, a thread opening at its latest
reply, the panes not overlapping on a phone-sized screen, the composer's status clearing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from localslack.run import LocalWorkspace

from .conftest import PROXY_VARS
from .test_page_browser import (
    real_bot_factory,
    require_chromium,
    sample_factory,
)

WIDE, NARROW = 1400, 390
HEIGHTS = {WIDE: 900, NARROW: 844}
CHARTS = 4


@pytest.fixture(scope="module")
def space(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalWorkspace]:
    """The real segbot after one sample upload to #general, its charts posted in the thread."""
    require_chromium()
    tmp = tmp_path_factory.mktemp("layout")
    with pytest.MonkeyPatch.context() as env:  # as conftest's offline_env, for the whole module
        for name in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", *PROXY_VARS):
            env.delenv(name, raising=False)
        env.setenv("NO_PROXY", "127.0.0.1,localhost")
        with LocalWorkspace(real_bot_factory(tmp), port=0) as ws:
            name, content = sample_factory(tmp)()
            general = ws.channels["general"]
            ws.local.share_file(channel_id=general, user_id=ws.user_id, name=name, content=content)
            wait_for_charts(ws, general)
            yield ws


def chart_files(ws: LocalWorkspace, channel: str) -> list[dict]:
    """The image files of the thread under the channel's first message, in order."""
    parent = ws.local.messages(channel)[0]
    replies = ws.local.messages(channel, thread_ts=parent["ts"])
    files = [f for r in replies for f in r.get("files", [])]
    return [f for f in files if f["mimetype"].startswith("image/")]


def wait_for_charts(ws: LocalWorkspace, channel: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while len(chart_files(ws, channel)) < CHARTS:
        assert time.monotonic() < deadline, "segbot posted no charts"
        time.sleep(0.2)


@pytest.fixture(params=[WIDE, NARROW], ids=["1400px", "390px"])
def width(request: pytest.FixtureRequest) -> int:
    return request.param


@pytest.fixture
def errors() -> list[str]:
    """What the page logged as errors; a test may take out the ones it caused on purpose."""
    return []


@pytest.fixture
def page(browser, space: LocalWorkspace, width: int, errors: list[str]) -> Iterator:
    context = browser.new_context(viewport={"width": width, "height": HEIGHTS[width]})
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(space.url)
    page.locator("#messages .thread-summary").first.wait_for()
    yield page
    context.close()
    assert errors == [], f"the page logged errors: {errors}"


def open_thread(page) -> object:
    page.locator("#messages .thread-summary").first.click()
    thread = page.locator("#thread-messages")
    thread.locator("button.thumb").nth(CHARTS - 1).wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('#thread-messages img.file-image')]"
        ".every(i => i.complete && i.naturalWidth > 100)"
    )
    return thread


def box(page, selector: str) -> dict:
    # The page re-renders a list when the long poll brings news: wait for the element to be
    # on screen again rather than measure one that was just replaced.
    # It can be replaced again between the wait and the measure, so a few tries.
    for _ in range(20):
        page.locator(selector).wait_for(state="visible")
        b = page.locator(selector).bounding_box()
        if b is not None:
            return b
        page.wait_for_timeout(50)
    raise AssertionError(f"{selector} is not displayed")


def overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def test_a_chart_opens_full_size_steps_through_the_others_and_closes(page, space, width) -> None:
    titles = [f["title"] for f in chart_files(space, space.channels["general"])]
    thread = open_thread(page)
    first = thread.locator("button.thumb").first
    thumb_box = first.bounding_box()
    first.click()

    viewer = page.locator("#viewer")
    assert viewer.is_visible()
    assert page.locator("#viewer-title").inner_text() == titles[0]
    assert page.locator("#viewer-count").inner_text() == f"1 of {CHARTS}"
    page.wait_for_function("() => document.querySelector('#viewer-image').naturalWidth > 1000")
    shown = box(page, "#viewer-image")
    assert shown["width"] > thumb_box["width"]  # larger than the thumbnail, and on screen
    assert shown["x"] >= 0 and shown["x"] + shown["width"] <= width
    assert shown["y"] >= 0 and shown["y"] + shown["height"] <= HEIGHTS[width]

    page.keyboard.press("ArrowRight")
    assert page.locator("#viewer-title").inner_text() == titles[1]
    page.locator("#viewer-prev").click()
    page.locator("#viewer-prev").click()  # wraps round to the last
    assert page.locator("#viewer-title").inner_text() == titles[-1]
    assert page.locator("#viewer-count").inner_text() == f"{CHARTS} of {CHARTS}"
    href = page.locator("#viewer-download").get_attribute("href")
    assert href and href.endswith("?download=1")

    page.keyboard.press("Escape")
    assert viewer.is_hidden()
    assert page.evaluate("() => document.activeElement.matches('button.thumb')")

    thread.locator("button.thumb").nth(2).click()
    assert page.locator("#viewer-title").inner_text() == titles[2]
    page.locator("#viewer-close").click()
    assert viewer.is_hidden()


def test_a_thread_opens_at_its_latest_reply(page, width) -> None:
    thread = open_thread(page)
    page.wait_for_function(  # at once in practice; a loaded machine may take a few frames
        """() => {
            const pane = document.querySelector('#thread-messages');
            const last = pane.querySelector(':scope > .msg:last-child');
            return last.getBoundingClientRect().bottom <= pane.getBoundingClientRect().bottom + 1;
        }""",
        timeout=5_000,
    )
    page.wait_for_timeout(300)  # and it stays there
    last = box(page, "#thread-messages > .msg:last-child")
    pane = box(page, "#thread-messages")
    composer = box(page, "#thread-composer")
    assert last["y"] + last["height"] <= pane["y"] + pane["height"] + 1, "last reply cut off"
    assert last["y"] + last["height"] > pane["y"], "last reply above the view"
    assert pane["y"] + pane["height"] <= composer["y"] + 1, "messages run under the Reply box"
    charts = thread.locator(".msg:last-child button.thumb")
    assert charts.count() == CHARTS
    for i in range(CHARTS):
        chart = charts.nth(i).bounding_box()
        assert chart["y"] + chart["height"] <= composer["y"], "a chart sits under the Reply box"


def test_panes_do_not_overlap(page, width) -> None:
    channel = box(page, "#channel-pane")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    open_thread(page)
    thread = box(page, "#thread-pane")
    if width == WIDE:
        assert not overlap(box(page, "#channel-pane"), thread)
        assert page.locator(".sidebar").is_visible()
        return
    # On a phone the thread replaces the channel, with a way back.
    assert page.locator("#channel-pane").is_hidden()
    assert thread["x"] == 0 and thread["width"] == width
    assert page.locator("#thread-back").is_visible()
    assert page.locator(".sidebar").is_hidden()
    page.locator("#thread-back").click()
    assert page.locator("#thread-pane").is_hidden()
    assert box(page, "#channel-pane") == channel
    page.locator("#sidebar-toggle").click()
    assert page.locator("#channel-pane").is_hidden()
    page.locator("#channel-list li", has_text="marketing").click()
    assert page.locator(".sidebar").is_hidden()
    assert page.locator("#channel-title").inner_text() == "# marketing"


def test_the_status_line_clears_once_a_message_is_sent(page, width, errors) -> None:
    status = page.locator("#composer-status")
    page.route(
        "**/local/message",
        lambda route: route.fulfill(status=502, json={"ok": False, "error": "The app is down"}),
    )
    page.locator("#composer-input").fill("hello")
    page.locator("#composer-input").press("Enter")
    page.wait_for_function(
        "() => document.querySelector('#composer-status').textContent.includes('down')"
    )
    assert page.locator("#composer-input").input_value() == "hello"  # kept to send again
    assert any("502" in e for e in errors)
    errors.clear()  # the refusal above was on purpose
    page.unroute("**/local/message")
    page.locator("#composer-input").press("Enter")
    page.locator("#messages .msg", has_text="hello").last.wait_for()
    page.wait_for_function("() => document.querySelector('#composer-status').textContent === ''")
    assert status.inner_text() == ""
    last = box(page, "#messages > .msg:last-child")
    pane = box(page, "#messages")
    assert last["y"] + last["height"] <= pane["y"] + pane["height"] + 1
