"""`segbot campaign start|report|list` end to end through the CLI, with the JSON contract."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import storage
from cli import main
from segmentation.sample import sample_export

START_KEYS = {
    "campaign", "members", "treated", "holdout", "start", "window_days", "detectable_lift",
    "members_csv",
}  # fmt: skip
GROUP_KEYS = {"customers", "converted", "rate", "revenue_per_customer"}


@pytest.fixture(scope="module")
def lines() -> pd.DataFrame:
    export, _ = sample_export(rows=60_000, seed=5)
    return export.assign(InvoiceDate=export.InvoiceDate.dt.strftime("%Y-%m-%d %H:%M"))


@pytest.fixture(scope="module")
def stored(tmp_path_factory, lines):
    """A database holding one CLI run of the lines before 1 Sep 2011: its path, the biggest
    segment, and a file of the lines after."""
    folder = tmp_path_factory.mktemp("campaign")
    earlier, later = folder / "earlier.csv", folder / "later.csv"
    lines[lines.InvoiceDate < "2011-09-01"].to_csv(earlier, index=False)
    lines[lines.InvoiceDate >= "2011-09-01"].to_csv(later, index=False)
    db = folder / "shop.db"
    assert main(["segment", str(earlier), "--db", str(db), "--add", "--json"]) == 0
    with storage.connect(db) as conn:
        segments = storage.segments_for(conn, 1, storage.CLI_SCOPE)
    return str(db), max(segments, key=lambda s: s.customers), str(later)


def test_start_report_list_print_the_contract(stored, capsys):
    db, segment, later = stored
    capsys.readouterr()
    argv = ["campaign", "start", "spring", "--db", db, "--segment", segment.name]
    assert main([*argv, "--holdout", "20%", "--start", "2011-09-01", "--json"]) == 0
    printed = capsys.readouterr()
    started = json.loads(printed.out)
    assert set(started) == START_KEYS
    assert started["members"] == segment.customers
    assert started["holdout"] == round(segment.customers * 0.2)
    assert started["treated"] + started["holdout"] == started["members"]
    assert (started["start"], started["window_days"]) == ("2011-09-01", 30)
    members = pd.read_csv(started["members_csv"])
    assert members.is_holdout.sum() == started["holdout"]
    assert "would show at 95 % confidence" in printed.err
    assert main(["campaign", "report", "spring", "--db", db]) == 2
    assert capsys.readouterr().err.startswith("segbot: Nothing to read yet")
    assert main(["segment", later, "--db", db, "--add"]) == 0
    capsys.readouterr()

    assert main(["campaign", "report", "spring", "--db", db, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {"treated", "holdout", "lift", "revenue_lift", "verdict", "window_ends"} <= set(report)
    assert set(report["treated"]) >= GROUP_KEYS and set(report["holdout"]) >= GROUP_KEYS
    assert set(report["lift"]) == {"absolute", "ci_low", "ci_high", "relative"}
    assert set(report["revenue_lift"]) == {"per_customer", "ci_low", "ci_high", "total"}
    assert report["treated"]["customers"] == started["treated"]
    t, h = report["treated"], report["holdout"]
    assert t["rate"] == t["converted"] / t["customers"]
    assert report["lift"]["absolute"] == pytest.approx(t["rate"] - h["rate"])
    assert report["lift"]["ci_low"] <= report["lift"]["absolute"] <= report["lift"]["ci_high"]
    assert report["verdict"].startswith("No effect can be seen: at this size only a lift over")
    assert report["window_ends"] == "2011-09-30"

    assert main(["campaign", "list", "--db", db, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(c["campaign"], c["verdict"]) for c in listed] == [("spring", report["verdict"])]
    assert main(["campaign", "list", "--db", db]) == 0
    assert capsys.readouterr().out.startswith("spring: segment ")


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--holdout", "abc"], "'abc' is not a share"),
        (["--holdout", "0"], "more than 0 %"),
        (["--holdout", "100%"], "less than 100 %"),
        (["--segment", ""], "Say which segment"),
        (["--state", ""], "The state is empty"),
        (["--run", "9"], "Run 9 is not one of this channel's finished runs"),
        (["--start", "2011-08-01"], "A campaign starts after the data its members come from"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(stored, capsys, argv, said):
    db, segment, _ = stored
    base = ["campaign", "start", "bad", "--db", db, "--segment", str(segment.id)]
    assert exit_code([*base, *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("segbot: ") and said in err and err.count("\n") == 1


def exit_code(argv: list[str]) -> int:
    """What the command exits with: argparse ends a bad argument with SystemExit."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code)


def test_report_of_a_campaign_not_there(stored, capsys):
    db, _, _ = stored
    assert main(["campaign", "report", "nope", "--db", db]) == 2
    assert capsys.readouterr().err == "segbot: There is no campaign called “nope” here.\n"
