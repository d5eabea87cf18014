"""The local workspace kept on disk: a restart brings back channels, threads and files."""

from __future__ import annotations

import json
import time
from pathlib import Path

from localslack.persist import WorkspaceStore
from localslack.run import LocalWorkspace

from .toybot import PNG, serve, toy_bot


def wait_saved(folder: Path, check, timeout: float = 10.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            data = json.loads((folder / "workspace.json").read_text())
        except (OSError, ValueError):
            data = None
        if data is not None and check(data):
            return data
        time.sleep(0.05)
    raise AssertionError(f"{folder} never held the expected state")


def test_restart_brings_back_messages_threads_and_files(tmp_path: Path) -> None:
    folder = tmp_path / "slack"
    with LocalWorkspace(lambda local: serve(toy_bot(local)), port=0, state_dir=folder) as first:
        marketing = first.channels["marketing"]
        shared = first.local.share_file(
            channel_id=marketing, user_id=first.user_id, name="chart.png", content=PNG
        )
        reply = first.local.workspace.post(
            marketing, {"user": first.user_id, "text": "nice"}, thread_ts=shared["ts"]
        )
        file_id = first.local.messages(marketing)[-1]["files"][0]["id"]
        wait_saved(folder, lambda d: any(m["ts"] == reply["ts"] for m in d["messages"][marketing]))
        ids = (first.user_id, dict(first.channels))

    with LocalWorkspace(lambda local: serve(toy_bot(local)), port=0, state_dir=folder) as second:
        assert (second.user_id, second.channels) == ids  # the bot's stored runs still match
        top = second.local.messages(marketing)
        assert top[-1]["ts"] == shared["ts"] and top[-1]["reply_count"] >= 1
        thread = second.local.messages(marketing, thread_ts=shared["ts"])
        assert "nice" in [m.get("text") for m in thread]
        assert second.local.file_bytes(file_id) == PNG
        fresh = second.local.add_channel("new-one")
        assert fresh not in ids[1].values()  # ids keep counting from where they stopped


def test_a_damaged_save_starts_empty_instead_of_failing(tmp_path: Path) -> None:
    folder = tmp_path / "slack"
    folder.mkdir()
    (folder / "workspace.json").write_text("{not json")
    with LocalWorkspace(lambda local: serve(toy_bot(local)), port=0, state_dir=folder) as space:
        assert set(space.channels) == {"general", "marketing"}
        assert space.local.messages(space.channels["general"]) == []


def test_save_writes_json_then_leaves_no_temporary_files(tmp_path: Path) -> None:
    with LocalWorkspace(lambda local: serve(toy_bot(local)), port=0) as space:
        store = WorkspaceStore(tmp_path / "slack")
        space.local.share_file(
            channel_id=space.channels["general"], user_id=space.user_id, name="a.png", content=PNG
        )
        shared = space.local.messages(space.channels["general"])[-1]["files"][0]["id"]
        store.save(space.local.workspace)
    names = sorted(p.name for p in (tmp_path / "slack").rglob("*"))
    assert "workspace.json" in names and not [n for n in names if n.endswith(".tmp")]
    # One file on disk per stored file with bytes (the bot may have replied with its own).
    saved = json.loads((tmp_path / "slack" / "workspace.json").read_text())
    with_bytes = {f["id"] for f in saved["files"] if f["has_content"]}
    assert shared in with_bytes
    assert {p.name for p in (tmp_path / "slack" / "files").iterdir()} == with_bytes
