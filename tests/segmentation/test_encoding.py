"""A single-byte file's distinct cells decoded all at once read as each decoded alone."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from segmentation.load.encoding import decoded_text


def defined(codec: str) -> list[int]:
    found = []
    for byte in range(256):
        try:
            bytes([byte]).decode(codec)
        except UnicodeDecodeError:
            continue
        found.append(byte)
    return found


def assert_read_as_each_alone(cells: list[bytes | None], codec: str, *, window: slice) -> None:
    """``decoded_text`` of ``cells``, and of the slice ``window`` of them, reads as decoding
    each cell alone."""
    values = pa.array(cells, pa.binary())
    expected = [None if c is None else c.decode(codec) for c in cells]
    assert decoded_text(values, codec).to_pylist() == expected
    part = values.slice(window.start, window.stop - window.start)
    assert decoded_text(part, codec).to_pylist() == expected[window]


@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_every_value_reads_as_decoding_it_alone(codec):
    rng = np.random.default_rng(3)
    known = np.array(defined(codec), dtype=np.uint8)
    cells = [
        None if rng.random() < 0.1 else bytes(rng.choice(known, rng.integers(0, 12)))
        for _ in range(3_000)
    ]
    cells += ["Café €5 – “Noël”".encode(codec, errors="replace"), b"", b"plain"]
    assert_read_as_each_alone(cells, codec, window=slice(5, 45))


def test_a_byte_the_codec_lacks_fails_as_decoding_it_would():
    with pytest.raises(UnicodeDecodeError):
        decoded_text(pa.array([b"caf\xe9", b"\x81"], pa.binary()), "cp1252")


@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_a_few_accented_values_among_plain_ones_read_as_decoding_each_alone(codec):
    cells = [f"PRODUCT {i}".encode() for i in range(997)] + [None]
    cells[10], cells[500] = "Café crème".encode(codec), "Noël".encode(codec)
    assert_read_as_each_alone(cells, codec, window=slice(400, 600))


def test_a_lacking_byte_among_plain_values_fails_as_decoding_it_would():
    with pytest.raises(UnicodeDecodeError):
        decoded_text(pa.array([b"plain"] * 50 + [b"\x81"], pa.binary()), "cp1252")
