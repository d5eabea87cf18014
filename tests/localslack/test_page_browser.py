"""The local workspace page in headless Chromium (Debian's ``chromium``, driven by Playwright).

One test runs the real segbot end to end: upload the sample, see the summary and the four
charts in the thread, ask ``/segment help``, click **Export CSV** and download the file. With
``SEGBOT_WRITE_SCREENSHOT=1`` (``make screenshot``) it also writes the README's
docs/screenshot.png from what it sees, so the picture shows the bot as it is; otherwise no
screenshot is taken or compared (fonts differ from machine to machine).
Another uses a tiny Bolt app to check rendering details: Block Kit, mrkdwn, escaping.
Without ``/usr/bin/chromium`` these tests are skipped, the reason shown in pytest's summary;
with ``CI=true`` they fail instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from localslack import LocalSlack
from localslack.run import LocalWorkspace

from .toybot import serve, toy_bot

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot.png"
WRITE_SCREENSHOT = os.environ.get("SEGBOT_WRITE_SCREENSHOT") == "1"

NO_CHROMIUM = f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does it as root)"


def require_chromium() -> None:
    """Skip without Chromium (pytest's ``-rs``, set in pyproject, prints why); fail under CI.

    With ``CI=true`` a missing browser is a broken CI image, not a reason to test less.
    """
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and {NO_CHROMIUM}", pytrace=False)
    pytest.skip(NO_CHROMIUM)


@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert errors == [], f"the page logged errors: {errors}"


@dataclass
class RealBot:
    """segbot itself (``bot.app.create_bot``) behind its threaded HTTP server."""

    bot: object
    server: object

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/slack/events"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.bot.close()


def real_bot_factory(tmp_path: Path):
    """``make_bot`` for the real segbot, configured as ``python -m bot`` does without Slack."""
    from bot.app import create_bot
    from bot.http import serve_in_thread
    from bot.settings import Settings

    def make_bot(local: LocalSlack) -> RealBot:
        settings = Settings(
            bot_token=local.bot_token,
            signing_secret=local.signing_secret,
            api_url=local.api_url,
            file_hosts=("127.0.0.1",),
            db_path=tmp_path / "segbot.db",
            data_dir=tmp_path / "data",
        )
        bot = create_bot(settings)
        server, _ = serve_in_thread(bot.app)
        return RealBot(bot, server)

    return make_bot


def sample_factory(tmp_path: Path):
    """The ``segbot sample`` generator's CSV, smaller than its default to keep the test quick."""
    from segmentation.sample import write_sample

    def sample_export() -> tuple[str, bytes]:
        path = tmp_path / "sample-orders.csv"
        write_sample(str(path), rows=8000, seed=1)
        return path.name, path.read_bytes()

    return sample_export


def test_sample_to_segments_help_and_export_with_the_real_bot(page, tmp_path: Path) -> None:
    make_bot = real_bot_factory(tmp_path)
    with LocalWorkspace(make_bot, port=0, sample_export=sample_factory(tmp_path)) as space:
        page.goto(space.url)
        page.get_by_role("button", name="Upload sample data").click()
        upload = page.locator("#messages .msg", has_text="sample-orders.csv")
        upload.locator(".file-card").wait_for()

        upload.locator(".thread-summary").click()
        thread = page.locator("#thread-messages")
        charts = thread.locator("img.file-image")
        charts.nth(3).wait_for(timeout=90_000)
        assert charts.count() == 4
        page.wait_for_function(
            "() => [...document.querySelectorAll('#thread-messages img.file-image')]"
            ".every(i => i.complete && i.naturalWidth > 100)"
        )
        results = thread.locator(".msg.from-bot", has=page.locator("[data-action-id]"))
        results.first.wait_for()
        assert "Segments of sample-orders.csv" in results.first.inner_text()

        page.locator("#composer-input").fill("/segment help")
        page.locator("#composer-input").press("Enter")
        help_msg = page.locator("#messages .msg.ephemeral", has_text="/segment run")
        help_msg.wait_for()
        assert "Only visible to you" in help_msg.inner_text()
        if WRITE_SCREENSHOT:
            write_screenshot(page)

        thread.get_by_role("button", name="Export CSV").first.click()
        page.locator("#dm-list li.unread", has_text="segbot").click()
        card = page.locator("#messages .file-card").first
        with page.expect_download() as download:
            card.click()
        csv = Path(download.value.path()).read_text()
        assert download.value.suggested_filename.endswith(".csv")
        assert csv.count("\n") > 10 and "segment" in csv.splitlines()[0].lower()


def write_screenshot(page) -> None:
    """docs/screenshot.png: the channel with the help, the thread at the results' charts."""
    page.wait_for_function("() => document.querySelector('#composer-status').textContent === ''")
    page.mouse.move(0, 0)  # no hover highlight in the picture
    page.wait_for_timeout(300)  # the last images decoded and scrolled into place
    page.screenshot(path=str(SCREENSHOT), type="png")


EVIL = '<img src=x onerror="window.pwned=1"><script>window.pwned=1</script>'


def test_blocks_mrkdwn_and_escaping(page) -> None:
    with LocalWorkspace(lambda local: serve(toy_bot(local)), port=0) as space:
        general = space.channels["general"]
        bot = {"user": space.local.bot_user_id, "bot_id": space.local.bot_id}
        blocks = [
            {"type": "header", "text": {"type": "plain_text", "text": f"Header {EVIL}"}},
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f"*bold* _it_ `code &lt;b&gt;` <https://example.com|a link> {EVIL}",
                },
                "fields": [{"type": "mrkdwn", "text": "*Customers*\n1,234"}],
            },
            {"type": "divider"},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "• small print"}]},
            {"type": "section", "text": {"type": "mrkdwn", "text": "```pre *not bold*```"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "<javascript:alert(1)|bad>"}},
        ]
        space.local.workspace.post(general, {**bot, "text": "fallback", "blocks": blocks})
        space.local.workspace.post(general, {**bot, "text": f"plain {EVIL}\nline two"})

        page.goto(space.url)
        msg = page.locator("#messages .msg").first
        msg.wait_for()
        assert msg.locator(".block-header").inner_text() == f"Header {EVIL}"
        assert msg.locator("b", has_text="bold").count() == 1
        assert msg.locator("i", has_text="it").count() == 1
        assert msg.locator("code").inner_text() == "code <b>"
        link = msg.locator("a", has_text="a link")
        assert link.get_attribute("href") == "https://example.com"
        assert msg.locator(".fields b").inner_text() == "Customers"
        assert msg.locator("hr.divider").count() == 1
        assert msg.locator(".pre").inner_text() == "pre *not bold*"
        assert msg.locator("a", has_text="bad").count() == 0
        assert EVIL in msg.inner_text()
        plain = page.locator("#messages .msg").nth(1)
        assert EVIL in plain.inner_text() and plain.locator("br").count() == 1
        assert page.locator("#messages img").count() == 0
        assert page.evaluate("() => window.pwned") is None
        assert "segbot" in msg.locator(".author").inner_text()


def test_upload_thread_button_select_and_command(page, tmp_path: Path) -> None:
    with LocalWorkspace(lambda local: serve(toy_bot(local)), port=0) as space:
        page.goto(space.url)
        page.locator("#channel-list li", has_text="marketing").click()
        assert page.locator("#channel-title").inner_text() == "# marketing"
        export = tmp_path / "orders.csv"
        export.write_text("a,b\n1,2\n")
        page.locator("#file-input").set_input_files(str(export))
        upload = page.locator("#messages .msg", has_text="orders.csv")
        upload.locator(".thread-summary", has_text="2 replies").click()
        thread = page.locator("#thread-messages")
        thread.locator("img.file-image").wait_for()
        page.wait_for_function(
            "() => document.querySelector('#thread-messages img.file-image').naturalWidth === 1"
        )

        thread.get_by_role("button", name="Export CSV").click()
        thread.locator(".file-card", has_text="segments.csv").wait_for()

        thread.locator("select[data-action-id=pick_segment]").select_option("loyal")
        page.locator("#messages .msg.ephemeral", has_text="You picked loyal").wait_for()

        page.locator("#thread-input").fill("thanks")
        page.locator("#thread-input").press("Enter")
        thread.locator(".msg", has_text="thanks").wait_for()
        channel = space.channels["marketing"]
        parent_ts = space.local.messages(channel)[0]["ts"]
        replies = space.local.messages(channel, thread_ts=parent_ts)
        assert replies[-1]["text"] == "thanks"

        page.locator("#composer-input").fill("/segment help")
        page.locator("#composer-input").press("Enter")
        page.locator("#messages .msg.ephemeral", has_text="How to use segbot").wait_for()
