"""Which text encoding an export is in, and its bytes as UTF-8.

UTF-8 (with or without BOM), UTF-16 (with a BOM, or without one when every other byte of the
start is zero) and, for bytes that are not UTF-8, cp1252 or latin-1. A UTF-16 file cut off
mid-character loses its last, incomplete line, which is said in a note.
"""

from __future__ import annotations

import functools

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from segmentation.errors import ExportError

SAMPLE = 8192
MAX_HIGH = 100_000  # past this many non-ASCII bytes, the whole file is decoded at once
BLOCK = 1 << 20
# Up to one value in this many not ASCII, those are decoded one by one; more, all at once
# through the codec's table (which costs about as much as a quarter of them one by one).
FEW_NON_ASCII = 8
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


def single_byte_codec(data: bytes) -> str | None:
    """ "cp1252" (or "latin-1") when ``data`` is text in that encoding, else None (UTF-8,
    or a file too mixed to tell before its columns are read).

    An export is mostly ASCII, the same bytes in UTF-8, cp1252 and latin-1, so only its runs
    of bytes above 127 are looked at (the real data's 45 MB have 32). A UTF-8 character is
    such a run on its own, so a file where no run reads as UTF-8 is single-byte text. Its
    reader then decodes each distinct value of the columns it reads (``decoded_text``):
    transcoding a 1 GB file whole held a second gigabyte while it was parsed.
    """
    runs = _non_ascii_runs(data)
    # No run: ASCII, UTF-8 as it is. None: so much non-ASCII text that parsing it as UTF-8
    # finds out faster.
    if not runs or any(_reads_as_utf8(data[a:b]) for a, b in runs):
        return None
    try:
        for start, end in runs:
            data[start:end].decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1"
    return "cp1252"


def decoded_text(values: pa.Array, codec: str) -> pa.Array:
    """Binary ``values`` (a single-byte file's distinct cells, read undecoded) as text in
    ``codec``: as they are when all ASCII; a few values that are not (accented names in a
    column of product names), each decoded alone; many, all at once through the codec's
    table of 256 characters (one at a time for a slice, or a byte the codec lacks)."""
    if len(values) == 0:
        return values.cast(pa.string())
    # Viewed as text without a check (the same layout): Arrow's ASCII test reads bytes alone.
    viewed = values.view(pa.string())
    other = pc.invert(pc.string_is_ascii(viewed)).fill_null(False)
    count = pc.sum(other).as_py() or 0
    if count == 0:
        return viewed
    if count * FEW_NON_ASCII <= len(values):
        return pc.replace_with_mask(viewed, other, _one_by_one(values.filter(other), codec))
    return _through_table(values, codec)


def _through_table(values: pa.Array, codec: str) -> pa.Array:
    """``decoded_text`` of many values, each byte mapped through the codec's table."""
    _, offsets, data = values.buffers()
    offsets = np.frombuffer(offsets, dtype=np.int32)[
        values.offset : values.offset + len(values) + 1
    ]
    used = np.zeros(0, np.uint8) if data is None else np.frombuffer(data, dtype=np.uint8)
    used = used[offsets[0] : offsets[-1]]
    utf8, lengths = _utf8_of_bytes(codec)
    if values.offset or (lengths[np.unique(used)] == 0).any():  # a byte the codec lacks
        return _one_by_one(values, codec)
    # One byte is one character: each byte's UTF-8 bytes, in order, and the values' new ends.
    each = lengths[used]
    text = utf8[used][np.arange(utf8.shape[1]) < each[:, None]]
    ends = np.concatenate([[0], np.cumsum(each, dtype=np.int64)])
    if ends[-1] >= 2**31:  # past what a string array's offsets hold
        return _one_by_one(values, codec)
    starts = ends[(offsets - offsets[0])].astype(np.int32)
    return pa.StringArray.from_buffers(
        len(values), pa.py_buffer(starts), pa.py_buffer(text.tobytes()),
        values.buffers()[0], values.null_count,
    )  # fmt: skip


def _one_by_one(values: pa.Array, codec: str) -> pa.Array:
    """Each value decoded on its own (raising UnicodeDecodeError as ``bytes.decode`` does)."""
    return pa.array(
        [None if v is None else v.decode(codec) for v in values.to_pylist()], pa.string()
    )


@functools.cache
def _utf8_of_bytes(codec: str) -> tuple[np.ndarray, np.ndarray]:
    """Per byte value, its character in ``codec`` as UTF-8 (up to three bytes, zero-padded)
    and how many bytes that is (0 for a byte the codec does not define)."""
    utf8 = np.zeros((256, 3), dtype=np.uint8)
    lengths = np.zeros(256, dtype=np.int64)
    for byte in range(256):
        try:
            encoded = bytes([byte]).decode(codec).encode("utf-8")
        except UnicodeDecodeError:
            continue
        utf8[byte, : len(encoded)] = np.frombuffer(encoded, dtype=np.uint8)
        lengths[byte] = len(encoded)
    return utf8, lengths


def transcoded(data: bytes) -> tuple[bytes, str]:
    """Re-encode a cp1252 (or, failing that, latin-1) file as UTF-8."""
    runs = _non_ascii_runs(data)
    for codec in ("cp1252", "latin-1"):
        try:
            if runs is None:
                return data.decode(codec).encode("utf-8"), codec
            return _runs_transcoded(data, runs, codec), codec
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")


def _reads_as_utf8(run: bytes) -> bool:
    try:
        run.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _non_ascii_runs(data: bytes) -> list[tuple[int, int]] | None:
    """Where ``data`` has bytes above 127, as (start, end) runs; None past ``MAX_HIGH`` such
    bytes. Looked for a block at a time, and only in blocks that are not all ASCII."""
    found, total = [], 0
    view = memoryview(data)
    for offset in range(0, len(data), BLOCK):
        block = bytes(view[offset : offset + BLOCK])
        if block.isascii():
            continue
        high = np.flatnonzero(np.frombuffer(block, dtype=np.uint8) >= 0x80) + offset
        total += len(high)
        if total > MAX_HIGH:
            return None
        found.append(high)
    if not found:
        return []
    high = np.concatenate(found)
    breaks = np.flatnonzero(np.diff(high) != 1) + 1
    starts = high[np.concatenate(([0], breaks))]
    ends = high[np.concatenate((breaks - 1, [len(high) - 1]))] + 1
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def _runs_transcoded(data: bytes, runs: list[tuple[int, int]], codec: str) -> bytes:
    view, pieces, done = memoryview(data), [], 0
    for start, end in runs:
        pieces += [view[done:start], bytes(view[start:end]).decode(codec).encode("utf-8")]
        done = end
    pieces.append(view[done:])
    return b"".join(pieces)


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
