"""segbot's database: SQLite through sqlite-utils. Nothing outside ``storage`` writes SQL.

Open a connection per unit of work (``with connect(path) as db:``) and pass it
first to the small functions below. Every read of a channel's data is scoped by
workspace (``team_id``) and channel (``channel_id``): asking channel A for a run
id of channel B returns None. The command line stores its runs under
``team_id="cli"``, ``channel_id="local"`` (``CLI_TEAM``, ``CLI_CHANNEL``).

Storage takes plain data (dicts from ``SegmentationResult.to_dict()`` and
DataFrames) and never imports ``segmentation`` or Slack.
"""

from storage.datasets import (
    dataset_for,
    datasets_for,
    latest_dataset,
    load_transactions,
    save_dataset,
)
from storage.db import connect, data_dir, open_db
from storage.migrations import MIGRATIONS, migrate, schema_version
from storage.results import assignment_for, assignments_for, segments_for
from storage.runs import (
    fail_run,
    finish_run,
    latest_run,
    mark_run_started,
    queue_run,
    recover_interrupted_runs,
    run_for,
    runs_for,
    set_run_message,
    start_run,
)
from storage.schedules import (
    all_enabled_schedules,
    claim_digest_slot,
    claim_event,
    disable_schedule,
    mark_digest,
    save_schedule,
    schedule_for,
)

CLI_TEAM = "cli"
CLI_CHANNEL = "local"

__all__ = [
    "CLI_CHANNEL",
    "CLI_TEAM",
    "MIGRATIONS",
    "all_enabled_schedules",
    "assignment_for",
    "assignments_for",
    "claim_digest_slot",
    "claim_event",
    "connect",
    "data_dir",
    "dataset_for",
    "datasets_for",
    "disable_schedule",
    "fail_run",
    "finish_run",
    "latest_dataset",
    "latest_run",
    "load_transactions",
    "mark_digest",
    "mark_run_started",
    "migrate",
    "open_db",
    "queue_run",
    "recover_interrupted_runs",
    "run_for",
    "runs_for",
    "save_dataset",
    "save_schedule",
    "schedule_for",
    "schema_version",
    "segments_for",
    "set_run_message",
    "start_run",
]
