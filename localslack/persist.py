"""Keep the local workspace on disk, so the page shows the same conversation after a restart.

The folder holds ``workspace.json`` (users, channels, messages, file records) and
``files/<id>`` (each file's bytes, written once: Slack files never change). The JSON is
replaced atomically, so a crash mid-write leaves the previous copy, never half of one.
A background thread saves shortly after each change; ``close`` saves one last time.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

from .state import Workspace

log = logging.getLogger(__name__)
SETTLE_SECONDS = 0.3  # let a burst of changes (a results post: message + 4 files) finish


class WorkspaceStore:
    """Loads a workspace from ``folder`` and keeps saving it there until ``close``."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.files = self.folder / "files"
        self.path = self.folder / "workspace.json"
        self._saved_revision = -1
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def load(self, workspace: Workspace) -> bool:
        """Restore what was saved, if anything; True when something was restored."""
        if not self.path.exists():
            return False
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            # A damaged copy must not stop the demo: start empty and say why.
            log.warning("local workspace: ignoring unreadable %s (%s)", self.path, e)
            return False
        workspace.restore(data, self._content)
        self._saved_revision = workspace.revision
        return True

    def save(self, workspace: Workspace) -> None:
        """Write the workspace now (files first, then the JSON that refers to them)."""
        data = workspace.snapshot()
        self.files.mkdir(parents=True, exist_ok=True)
        for record in data["files"]:
            target = self.files / record["id"]
            if record["has_content"] and not target.exists():
                _write_atomically(target, workspace.stored_file(record["id"]).content or b"")
        _write_atomically(self.path, json.dumps(data, separators=(",", ":")).encode())
        self._saved_revision = data["revision"]

    def follow(self, workspace: Workspace) -> WorkspaceStore:
        """Save in the background after every change until ``close``; returns self."""

        def loop() -> None:
            while not self._stop.is_set():
                revision = workspace.wait_for_change(self._saved_revision, timeout=1.0)
                if revision > self._saved_revision and not self._stop.wait(SETTLE_SECONDS):
                    self._save_logged(workspace)

        self._thread = threading.Thread(target=loop, name="segbot-local-save", daemon=True)
        self._thread.start()
        self._workspace = workspace
        return self

    def close(self) -> None:
        """Stop following and save what is left; safe to call twice."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
            self._save_logged(self._workspace)

    def _save_logged(self, workspace: Workspace) -> None:
        try:
            self.save(workspace)
        except OSError:
            log.exception("local workspace: could not save to %s", self.folder)

    def _content(self, file_id: str) -> bytes | None:
        try:
            return (self.files / file_id).read_bytes()
        except OSError:
            return None


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
