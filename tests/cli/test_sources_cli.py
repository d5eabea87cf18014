"""`segbot sources`: a sources file listed, and each source read as a channel would read it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from cli import main


def _sources_file(folder: Path, real_frame: pd.DataFrame) -> Path:
    real_frame.head(5_000).to_parquet(folder / "sales.parquet", index=False)
    path = folder / "segbot.toml"
    path.write_text(
        '[sources.shop]\npath = "sales.parquet"\nchannels = ["C0SHOP"]\n'
        '[sources.gone]\npath = "nowhere/*.parquet"\n',
        encoding="utf-8",
    )
    return path


def test_lists_the_sources_without_reading_them(tmp_path, real_frame, capsys) -> None:
    assert main(["sources", str(_sources_file(tmp_path, real_frame))]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["shop", "gone"]
    # The operator sees where each source reads (channels see only the description).
    assert lines[0] == f"shop: files on the bot's server (files at {tmp_path / 'sales.parquet'}; C0SHOP)"
    assert lines[1].endswith("; every channel)") and "files at " in lines[1]


def test_check_reads_each_source_and_says_what_to_fix(tmp_path, real_frame, capsys) -> None:
    path = _sources_file(tmp_path, real_frame)
    lines = real_frame.head(5_000)
    kept = lines[
        lines["CustomerID"].notna() & (lines["Quantity"] > 0) & (lines["UnitPrice"] > 0)
    ]
    assert main(["sources", str(path), "--check"]) == 1  # one source cannot be read
    out = capsys.readouterr().out.splitlines()
    assert out[1] == (
        f"  read: 5,000 lines, {len(kept):,} purchases, "
        f"{kept['CustomerID'].nunique():,} customers; newest transaction "
        f"{pd.Timestamp(kept['InvoiceDate'].max()):%Y-%m-%d}"
    )
    assert out[3].startswith("  cannot be read: ") and "nowhere" in out[3]
    assert main(["sources", str(path), "--check", "--name", "shop"]) == 0


def test_a_wrong_file_or_name_is_one_line(tmp_path, real_frame, capsys) -> None:
    assert main(["sources", str(tmp_path / "missing.toml")]) == 2
    err = capsys.readouterr().err
    assert err == f"segbot: The sources file {tmp_path / 'missing.toml'} does not exist: fix SEGBOT_SOURCES.\n"
    path = _sources_file(tmp_path, real_frame)
    assert main(["sources", str(path), "--name", "nope"]) == 2
    assert capsys.readouterr().err == "segbot: There is no source called 'nope' (sources: shop, gone).\n"
