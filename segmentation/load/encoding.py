"""Which text encoding an export is in, and its bytes as UTF-8.

UTF-8 (with or without BOM), UTF-16 (with a BOM, or without one when every other byte of the
start is zero) and, for bytes that are not UTF-8, cp1252 or latin-1. A UTF-16 file cut off
mid-character loses its last, incomplete line, which is said in a note.
"""

from __future__ import annotations

from segmentation.errors import ExportError

SAMPLE = 8192
BOMS_16 = (b"\xff\xfe", b"\xfe\xff")


def without_bom(data: bytes, name: str) -> tuple[bytes, str, list[str]]:
    """``data`` without its byte-order mark (UTF-16 already as UTF-8), its encoding, notes."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:], "utf-8-sig", []
    codec = _utf16_codec(data[:SAMPLE])
    if codec:
        text, notes = _from_utf16(data, codec, name)
        return text, "utf-16", notes
    if b"\x00" in data[:SAMPLE]:
        raise _binary(name)
    return data, "utf-8", []


def is_utf8(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        return exc.start >= len(head) - 3
    return True


def transcoded(data: bytes) -> tuple[bytes, str]:
    """Re-encode a cp1252 (or, failing that, latin-1) file as UTF-8."""
    try:
        return data.decode("cp1252").encode("utf-8"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1").encode("utf-8"), "latin-1"


def _utf16_codec(head: bytes) -> str | None:
    """ "utf-16" with a BOM; "utf-16-le"/"-be" when the text's high bytes are all zero."""
    if head.startswith(BOMS_16):
        return "utf-16"
    pairs = len(head) // 2
    if pairs < 8:
        return None
    even, odd = head[0 : 2 * pairs : 2].count(0), head[1 : 2 * pairs : 2].count(0)
    if odd > 0.9 * pairs and even < 0.1 * pairs:
        return "utf-16-le"
    if even > 0.9 * pairs and odd < 0.1 * pairs:
        return "utf-16-be"
    return None


def _from_utf16(data: bytes, codec: str, name: str) -> tuple[bytes, list[str]]:
    notes = []
    cut = len(data) % 2 == 1
    text = bytes(data[: len(data) - cut]).decode(codec, errors="replace")
    if cut and not text.endswith(("\n", "\r")):
        text = text.rsplit("\n", 1)[0] + "\n"
        notes.append(
            "The file ends in the middle of a character (it looks cut off), "
            "so its last, incomplete line was left out."
        )
    if "\x00" in text or text.count("\ufffd") > max(3, len(text) // 1000):
        raise ExportError(
            f"`{name}` starts like a UTF-16 text file, but much of it is not valid UTF-16 "
            "text. Export the transactions again (CSV in UTF-8 is safest) and re-upload."
        )
    return text.encode("utf-8"), notes


def _binary(name: str) -> ExportError:
    return ExportError(
        f"`{name}` is not a text export (it contains binary data). "
        "Upload a CSV, TSV, Excel (.xlsx) or Parquet file."
    )
