"""segbot's database: SQLite through sqlite-utils. Nothing outside ``storage`` writes SQL.

Open a connection per unit of work (``with connect(path) as db:``) and pass it
first to the small functions below; ``record_run`` opens its own from the path.
Every read that answers a user takes a ``Scope`` (workspace and channel): asking
channel A for a run id of channel B returns None. The command line stores its
runs under ``CLI_SCOPE``.

Storage takes and returns typed values: ``RunSummary``, ``Segment`` and
``SegmentationResult`` from ``segmentation`` (those types only, never its
pipeline), the frozen records of ``storage.records``, and DataFrames for
transactions and per-customer assignments. It never imports Slack or the bot.
"""

from storage.campaigns import (
    Campaign,
    NewCampaign,
    campaign_members,
    campaign_named,
    campaigns_ended,
    campaigns_for,
    claim_final_post,
    save_campaign,
    save_report,
)
from storage.channels import channel_currency, set_channel_currency
from storage.datasets import (
    dataset_for,
    datasets_for,
    holding_bytes,
    latest_dataset,
    latest_upload,
    load_transactions,
    remove_partial_files,
    save_dataset,
    transactions_table,
)
from storage.db import DEFAULT_DB_PATH, connect, data_dir, open_db
from storage.digests import (
    claim_digest_slot,
    digest_post,
    fail_interrupted_digests,
    mark_digest,
    skipped_since_last_sent,
)
from storage.events import claim_event
from storage.fingerprints import customer_data, digested_run, mark_digested
from storage.history import has_results, latest_run, run_for, runs_for
from storage.jobs import (
    JobRecord,
    add_job,
    adopt_unfinished_jobs,
    end_job,
    job_for,
    link_job_run,
    release_claim,
    run_status,
    update_job,
)
from storage.records import (
    CLI_SCOPE,
    CustomerRow,
    Dataset,
    InterruptedDigest,
    RunRecord,
    Schedule,
    Scope,
)
from storage.results import (
    assignment_for,
    assignments_for,
    assignments_ignoring_case,
    segments_for,
)
from storage.runs import RunRecording, record_run, recover_interrupted_runs
from storage.schedules import (
    all_enabled_schedules,
    disable_schedule,
    save_schedule,
    schedule_by_id,
    schedule_for,
)
from storage.sources import (
    ChannelSource,
    bind_source,
    channel_source,
    source_dataset,
    unbind_source,
    update_source_dataset,
)

__all__ = [
    "Campaign",
    "NewCampaign",
    "campaign_members",
    "campaign_named",
    "campaigns_ended",
    "campaigns_for",
    "claim_final_post",
    "save_campaign",
    "save_report",
    "update_source_dataset",
    "unbind_source",
    "source_dataset",
    "channel_source",
    "bind_source",
    "channel_currency",
    "set_channel_currency",
    "CLI_SCOPE",
    "ChannelSource",
    "DEFAULT_DB_PATH",
    "CustomerRow",
    "Dataset",
    "InterruptedDigest",
    "JobRecord",
    "RunRecord",
    "RunRecording",
    "Schedule",
    "Scope",
    "add_job",
    "adopt_unfinished_jobs",
    "has_results",
    "all_enabled_schedules",
    "assignment_for",
    "assignments_ignoring_case",
    "assignments_for",
    "claim_digest_slot",
    "claim_event",
    "connect",
    "customer_data",
    "data_dir",
    "dataset_for",
    "datasets_for",
    "digest_post",
    "digested_run",
    "disable_schedule",
    "end_job",
    "fail_interrupted_digests",
    "job_for",
    "latest_dataset",
    "holding_bytes",
    "latest_upload",
    "latest_run",
    "link_job_run",
    "load_transactions",
    "mark_digest",
    "mark_digested",
    "open_db",
    "record_run",
    "recover_interrupted_runs",
    "release_claim",
    "remove_partial_files",
    "run_for",
    "run_status",
    "runs_for",
    "save_dataset",
    "save_schedule",
    "schedule_by_id",
    "schedule_for",
    "segments_for",
    "skipped_since_last_sent",
    "transactions_table",
    "update_job",
]
