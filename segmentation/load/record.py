"""What is known of one export from the moment it is read, kept with it for good.

Loading produces it (``Export.record``); storage keeps it as one column beside the dataset or
the upload waiting for *Add* or *Replace*; a run reads its provenance from it. One value,
passed as one argument, instead of its facts in a dozen keywords.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True, kw_only=True)
class ExportRecord:
    """One export's facts.

    ``file_name`` as shared, ``sha256`` of its bytes, ``file_format`` ("csv", "xlsx", …),
    ``mapping`` (segbot field → the export's column), ``date_order`` ("ISO", "day-first",
    "month-first" or "native"),
    the reader's ``notes`` for the person, ``currency`` (ISO code, None when unknown or mixed)
    and ``rows_read`` (its lines, those the reader could not split included).
    """

    file_name: str
    sha256: str
    file_format: str | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)
    date_order: str = "ISO"
    notes: tuple[str, ...] = ()
    currency: str | None = None
    rows_read: int = 0

    def named(self, file_name: str) -> ExportRecord:
        return replace(self, file_name=file_name)

    def to_json(self) -> dict[str, Any]:
        return {
            "file_name": self.file_name,
            "sha256": self.sha256,
            "file_format": self.file_format,
            "mapping": dict(self.mapping),
            "date_order": self.date_order,
            "notes": list(self.notes),
            "currency": self.currency,
            "rows_read": self.rows_read,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ExportRecord:
        return cls(
            file_name=str(data["file_name"]),
            sha256=str(data["sha256"]),
            file_format=data.get("file_format"),
            mapping=dict(data.get("mapping") or {}),
            date_order=str(data.get("date_order") or "ISO"),
            notes=tuple(data.get("notes") or ()),
            currency=data.get("currency"),
            rows_read=int(data.get("rows_read") or 0),
        )
