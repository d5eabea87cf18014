"""A new export in a channel that has data was loaded and kept, not segmented: ask in its
thread whether it adds to the channel's data or replaces it (``bot.usecases.appends`` answers).
"""

from __future__ import annotations

import storage
from bot.jobs.tasks import AppendQuestion
from bot.render.appends import append_blocks, append_text, waiting_text
from bot.slack.posting import post
from bot.usecases.context import Deps
from bot.usecases.delivery import Thread, end, fail, show
from storage.appends import set_pending_question


def ask(deps: Deps, thread: Thread, question: AppendQuestion) -> None:
    """Post the question in the upload's thread; the upload's job ends there (told)."""
    job, q = thread.job, question
    shown = (q.file_name, q.lines, q.stored_name, q.stored_lines, q.overlap)
    with storage.connect(deps.settings.db_path) as db:
        set_pending_question(db, q.append_id, thread_ts=job.thread_ts)  # before a click can come
    try:
        ts = post(deps.client, job.channel_id, append_text(*shown), thread_ts=job.thread_ts,
                  blocks=append_blocks(q.append_id, *shown))  # fmt: skip
    except Exception as e:
        fail(deps, thread, e)
        return
    with storage.connect(deps.settings.db_path) as db:
        set_pending_question(db, q.append_id, question_ts=ts)
    show(deps, thread, waiting_text(job.name))
    end(deps, thread, "done")
