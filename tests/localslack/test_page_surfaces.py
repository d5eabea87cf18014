"""Modals, the App Home, channels and people in the local workspace page, with the real segbot,
in headless Chromium at a desktop width (1400 px) and a phone width (390 px).

Two channels are created and segbot is invited to each (once by the dialog, once with
``/invite @segbot``); each gets its own export and keeps its own results. The digest is scheduled
through the modal, first with an impossible time the bot answers with an inline error. The Home
tab then shows both channels, and a second person, who shares no channel with data, sees none.
Screenshots of each step go to pytest's tmp folder (``SEGBOT_SURFACE_SHOTS=DIR`` to keep them).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from localslack.run import LocalWorkspace

from .test_page_browser import real_bot_factory

SHOTS = os.environ.get("SEGBOT_SURFACE_SHOTS")
WIDTHS = {"desktop": (1400, 900), "phone": (390, 844)}


def export(tmp_path: Path, name: str, rows: int, seed: int) -> Path:
    from segmentation.sample import write_sample

    path = tmp_path / name
    write_sample(str(path), rows=rows, seed=seed)
    return path


@pytest.fixture(params=list(WIDTHS))
def sized_page(request, browser):
    width, height = WIDTHS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.narrow = width < 760
    page.label = request.param
    yield page
    context.close()
    assert errors == [], f"the page logged errors: {errors}"


def shot(page, tmp_path: Path, name: str) -> None:
    folder = Path(SHOTS) if SHOTS else tmp_path / "shots"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{page.label}-{name}.png"))


def sidebar(page) -> None:
    """On a phone the channel list opens from ☰, as in Slack's app."""
    if page.narrow:
        page.locator("#sidebar-toggle").click()


def create_channel(page, typed: str) -> None:
    sidebar(page)
    page.locator("#add-channel").click()
    page.locator("#channel-name").fill(typed)
    page.locator("#dialog-layer").get_by_role("button", name="Create").click()


def upload_and_wait(page, path: Path) -> None:
    page.locator("#file-input").set_input_files(str(path))
    upload = page.locator("#messages .msg", has_text=path.name)
    upload.locator(".thread-summary").click(timeout=120_000)
    results = page.locator("#thread-messages .msg.from-bot", has_text=f"Segments of {path.name}")
    results.wait_for(timeout=120_000)


def close_thread(page) -> None:
    page.locator("#thread-back" if page.narrow else "#thread-close").click()


def test_channels_modal_and_home_with_the_real_bot(sized_page, tmp_path: Path) -> None:
    page = sized_page
    north = export(tmp_path, "north-orders.csv", rows=4000, seed=1)
    south = export(tmp_path, "south-orders.csv", rows=3000, seed=2)
    with LocalWorkspace(real_bot_factory(tmp_path), port=0) as space:
        page.goto(space.url)
        page.locator("#channel-list li", has_text="general").first.wait_for(state="attached")

        # Slack's rules for names: the dialog lowercases and hyphenates; emoji and 81 characters fail
        create_channel(page, "Store North")
        page.locator("#channel-title", has_text="# store-north").wait_for()
        create_channel(page, "shop 🛒")
        error = page.locator("#dialog-layer .input-error")
        error.filter(has_text="can't contain spaces, periods or most punctuation").wait_for()
        assert (
            page.locator("#channel-name").input_value() == "shop-🛒"
        )  # as Slack's dialog writes it
        page.locator("#channel-name").fill("x" * 81)
        page.locator("#dialog-layer").get_by_role("button", name="Create").click()
        error.filter(has_text="longer than 80 characters").wait_for()
        page.locator("#channel-name").fill("store-north")
        page.locator("#dialog-layer").get_by_role("button", name="Create").click()
        error.filter(has_text="already taken").wait_for()
        page.locator("#channel-name").fill("store-south")
        page.locator("#dialog-layer").get_by_role("button", name="Create").click()
        page.locator("#channel-title", has_text="# store-south").wait_for()

        # invite segbot: by the dialog here, by /invite in the other channel; twice is refused
        page.locator("#add-people").click()
        page.locator("#dialog-layer .invite-row", has_text="segbot").get_by_role("button").click()
        page.locator("#messages .msg", has_text="segbot has joined the channel").wait_for()
        page.locator("#composer-input").fill("/invite @segbot")
        page.locator("#composer-input").press("Enter")
        page.locator(
            "#messages .msg.ephemeral", has_text="segbot is already in this channel"
        ).wait_for()
        upload_and_wait(page, south)
        close_thread(page)

        sidebar(page)
        page.locator("#channel-list li", has_text="store-north").click()
        page.locator("#composer-input").fill("/invite @segbot")
        page.locator("#composer-input").press("Enter")
        page.locator("#messages .msg", has_text="segbot has joined the channel").wait_for()
        upload_and_wait(page, north)
        shot(page, tmp_path, "1-results")

        # the digest through the modal: an impossible time first, shown under its input
        page.locator("#thread-messages").get_by_role(
            "button", name="Schedule weekly digest"
        ).click()
        modal = page.locator("#modal-layer .modal")
        modal.locator(".modal-title", has_text="Weekly digest").wait_for()
        time_field = modal.locator(".input-block[data-block-id=time] input")
        time_field.fill("25:00")
        modal.get_by_role("button", name="Schedule").click()
        time_error = modal.locator(".input-block[data-block-id=time] .input-error")
        time_error.filter(has_text="is not a time").wait_for()
        shot(page, tmp_path, "2-modal-error")
        time_field.fill("09:30")
        modal.locator(".input-block[data-block-id=day] select").select_option(label="Friday")
        modal.get_by_role("button", name="Schedule").click()
        modal.wait_for(state="detached")
        close_thread(page)
        done = page.locator("#messages .msg.ephemeral", has_text="every Friday at 09:30")
        done.wait_for()

        # each channel keeps its own export
        assert page.locator("#messages .msg", has_text="south-orders.csv").count() == 0
        sidebar(page)
        page.locator("#channel-list li", has_text="store-south").click()
        page.locator("#messages .msg", has_text="south-orders.csv").wait_for()
        assert page.locator("#messages .msg", has_text="north-orders.csv").count() == 0
        shot(page, tmp_path, "3-second-channel")

        # the Home tab: both channels, the digest of one
        sidebar(page)
        page.locator("#dm-list li", has_text="segbot").click()
        home = page.locator("#home")
        home.locator(".section", has_text="store-north").wait_for()
        assert "store-south" in home.inner_text()
        assert "every Friday at 09:30" in home.inner_text()
        shot(page, tmp_path, "4-home")

        # its buttons act from the home surface: the modal opens and closes; the CSV comes by DM
        home.get_by_role("button", name="Schedule digest").nth(1).click()
        modal.locator(".modal-title", has_text="Weekly digest").wait_for()
        assert "#store-south" in modal.inner_text()
        modal.get_by_role("button", name="Cancel").click()
        modal.wait_for(state="detached")
        home.get_by_role("button", name="Export CSV").nth(1).click()
        home.locator(".section", has_text="in a direct message").wait_for()
        page.locator("#app-tabs button", has_text="Messages").click()
        page.locator("#messages .file-card", has_text=".csv").wait_for()

        # Sam shares no channel with data: the Home says so and lists nothing
        sidebar(page)
        page.locator("#me-select").select_option(label="sam")
        page.locator("#dm-list li", has_text="segbot").click()
        home.locator(".section", has_text="We don't share a channel with results yet").wait_for()
        assert "store-north" not in home.inner_text()
        assert page.locator("#channel-list li", has_text="store-north").count() == 0
        shot(page, tmp_path, "5-home-sam")
