"""`segbot campaign start|report|list`: campaigns with a random holdout, on the same workflows
as Slack, under ``storage.CLI_SCOPE``. ``--json`` prints the contract the Slack read-out is
built from."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from cli.args import UsageError, parse_date, positive, seed
from cli.stored import database_path


def register(commands: argparse._SubParsersAction) -> None:
    """Add `campaign` (with `start`, `report` and `list`) to the CLI's subcommands."""
    campaign = commands.add_parser(
        "campaign", help="campaigns with a random holdout, and their lift"
    )
    actions = campaign.add_subparsers(dest="action", required=True, metavar="ACTION")
    start = actions.add_parser("start", help="start a campaign from a stored run's segment")
    start.add_argument("name", metavar="NAME")
    start.add_argument("--segment", required=True, help="the segment's id or name")
    start.add_argument("--run", type=positive, help="the run (default: the latest finished)")
    start.add_argument("--state", help="only members in this lifecycle state (e.g. at_risk)")
    start.add_argument("--holdout", type=share, default=0.1, help="share held back (default 0.1)")
    start.add_argument("--days", type=positive, default=30, help="window after the start (30)")
    start.add_argument("--seed", type=seed, default=0, help="the draw's random seed (0)")
    start.add_argument("--start", type=parse_date, help="start date (default: today)")
    start.set_defaults(handler=run_start)
    report = actions.add_parser("report", help="the campaign's lift, from the stored data")
    report.add_argument("name", metavar="NAME")
    report.set_defaults(handler=run_report)
    listing = actions.add_parser("list", help="every campaign, with its latest verdict")
    listing.set_defaults(handler=run_list)
    for parser in (start, report, listing):
        parser.add_argument("--db", help="segbot database (default: $SEGBOT_DB, else ./segbot.db)")
        parser.add_argument("--json", action="store_true", help="print one JSON value")


def share(text: str) -> float:
    """argparse type for --holdout: ``0.1``, ``10%`` or ``10 %``; the range is the workflow's."""
    value = text.strip()
    try:
        return float(value.removesuffix("%").strip()) / 100 if value.endswith("%") else float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a share: give it as 0.1 or 10%"
        ) from None


def run_start(args: argparse.Namespace) -> int:
    """Draw and store the campaign; print what it holds and can detect."""
    from workflows.campaigns import StartRequest, start_campaign

    request = StartRequest(
        name=args.name, segment=args.segment, run_id=args.run, state=args.state,
        holdout=args.holdout, days=args.days, seed=args.seed,
        start=args.start or dt.date.today(),  # the edge reads the clock
    )  # fmt: skip
    started = _call(args, start_campaign, request)
    c = started.campaign
    if args.json:
        print(json.dumps({
            "campaign": c.name, "members": c.members, "treated": c.treated,
            "holdout": c.held_out, "start": c.start, "window_days": c.window_days,
            "detectable_lift": c.detectable_lift, "members_csv": str(started.members_csv),
        }))  # fmt: skip
        print(started.power, file=sys.stderr)
        return 0
    print(f"Campaign “{c.name}”: {c.treated:,} treated, {c.held_out:,} held out of segment "
          f"{c.segment} ({c.segment_name}), from {c.start} for {c.window_days} days.")  # fmt: skip
    print(started.power)
    print(f"Members (is_holdout marked): {started.members_csv}")
    return 0


def run_report(args: argparse.Namespace) -> int:
    """Read the campaign out from the stored data."""
    from workflows.campaign_report import campaign_report

    report = _call(args, campaign_report, args.name)
    if args.json:
        print(json.dumps(report.to_json()))
        return 0
    for label, group in (("Treated", report.treated), ("Holdout", report.holdout)):
        print(f"{label}: {group.customers:,} customers, {group.converted:,} bought "
              f"({group.rate:.1%}), {group.orders_per_customer:.2f} orders and "
              f"{group.revenue_per_customer:,.2f} net revenue per customer")  # fmt: skip
    print(report.verdict)
    if report.balance:
        print(report.balance)
    return 0


def run_list(args: argparse.Namespace) -> int:
    """Every campaign of the command line's scope, newest first."""
    from workflows.campaigns import campaign_list

    campaigns = _call(args, campaign_list)
    rows = [_listed(c) for c in campaigns]
    if args.json:
        print(json.dumps(rows))
        return 0
    if not rows:
        print("No campaigns yet. Start one with: segbot campaign start NAME --segment S")
    for row in rows:
        print(f"{row['campaign']}: segment {row['segment']}, {row['members']:,} members, "
              f"{row['start']} to {row['window_ends']} ({row['status']}). "
              f"{row['verdict'] or 'Not read out yet.'}")  # fmt: skip
    return 0


def _listed(c: Any) -> dict[str, Any]:
    ends = dt.date.fromisoformat(c.start) + dt.timedelta(days=c.window_days - 1)
    return {
        "campaign": c.name, "segment": c.segment_name, "state": c.state, "members": c.members,
        "start": c.start, "window_ends": ends.isoformat(),
        "status": "ended" if ends < dt.date.today() else "open",
        "verdict": (c.report or {}).get("verdict"),
    }  # fmt: skip


def _call(args: argparse.Namespace, workflow, *values):
    """Run ``workflow`` on the database of ``--db``; its ``UserError`` is the one line."""
    import storage
    from workflows.errors import UserError
    from workflows.runs import Where

    path = database_path(args.db)
    if not path.exists():
        raise UsageError(f"there is no database at {path}; give one with --db or SEGBOT_DB.")
    where = Where(scope=storage.CLI_SCOPE, user_id=None, db_path=path,
                  data_dir=storage.data_dir(path))  # fmt: skip
    try:
        return workflow(where, *values)
    except UserError as exc:
        raise UsageError(str(exc)) from None
