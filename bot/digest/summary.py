"""What the digest says (pure): per-segment change, the largest flows in words, actions.

Inputs are plain data: segment dicts of this run and the previous one (``to_dict()`` /
storage form), ``{current id: previous id}`` from matching, and a ``Movement``.
"""

from __future__ import annotations

from segmentation.movement import Movement, describe_flow, lapsing_ids
from segmentation.strategies import STRATEGIES

MAX_ACTIONS = 3
NOTABLE_SHARE = 0.05  # a change of 5% of all customers is worth an action…
NOTABLE_MIN = 3  # …and never fewer than this many customers


def segment_rows(segments: list[dict], previous: list[dict], matched: dict[int, int]) -> list[dict]:
    """One row per current segment: customers now, before (None if new), change, revenue share."""
    before = {int(p["id"]): p for p in previous}
    rows = []
    for s in segments:
        old = before.get(matched.get(int(s["id"]), -1))
        rows.append(
            {
                "id": int(s["id"]),
                "name": s["name"],
                "customers": int(s["customers"]),
                "before": None if old is None else int(old["customers"]),
                "change": None if old is None else int(s["customers"]) - int(old["customers"]),
                "revenue_share": float(s["revenue_share"]),
                "was": old["name"] if old is not None and old["name"] != s["name"] else None,
            }
        )
    return rows


def gone(previous: list[dict], matched: dict[int, int]) -> list[str]:
    """Names of last run's segments that have no counterpart now."""
    kept = set(matched.values())
    return [p["name"] for p in previous if int(p["id"]) not in kept]


def flow_sentences(movement: Movement, segments: list[dict], previous: list[dict]) -> list[str]:
    """The largest flows in words, biggest first."""
    now = {int(s["id"]): s["name"] for s in segments}
    then = {int(p["id"]): p["name"] for p in previous}
    lapsing = lapsing_ids(segments)
    return [
        describe_flow(
            f,
            then.get(f.source, f"segment {f.source}"),
            now.get(f.target, f"segment {f.target}"),
            into_lapsing=f.target in lapsing,
        )
        for f in movement.largest
    ]


def actions(rows: list[dict], segments: list[dict], movement: Movement | None) -> list[str]:
    """One recommended action per notable change (at most three), from the strategy library."""
    by_id = {int(s["id"]): s for s in segments}
    total = sum(r["customers"] for r in rows) or 1
    notable = [
        r
        for r in rows
        if (r["change"] is None and movement is not None)
        or (r["change"] is not None and abs(r["change"]) >= max(NOTABLE_MIN, NOTABLE_SHARE * total))
    ]
    notable.sort(key=lambda r: -(r["customers"] if r["change"] is None else abs(r["change"])))
    picks: list[tuple[str, str]] = []
    if movement is not None and movement.revenue_at_risk > 0:
        target = _main_lapsing_target(movement, by_id)
        if target is not None:
            what = (
                f"{movement.at_risk_customers:,} customers who spent {movement.revenue_at_risk:,.0f} "
                f"slipped into *{by_id[target]['name']}*"
            )
            picks.append((_first_key(by_id[target]), what))
    for r in notable:
        change = r["change"]
        what = (
            f"*{r['name']}* is a new segment ({r['customers']:,} customers)"
            if change is None
            else f"*{r['name']}* {'grew' if change > 0 else 'shrank'} by {abs(change):,}"
        )
        picks.append((_first_key(by_id[r["id"]]), what))
    seen: set[str] = set()
    lines = []
    for key, what in picks:
        if key and key not in seen:
            seen.add(key)
            lines.append(f"{what}. {STRATEGIES[key]}")
    return lines[:MAX_ACTIONS]


def _first_key(segment: dict) -> str:
    keys = segment.get("strategy_keys") or []
    return keys[0] if keys and keys[0] in STRATEGIES else ""


def _main_lapsing_target(movement: Movement, by_id: dict[int, dict]) -> int | None:
    """The lapsing segment that received the most customers."""
    lapsing = lapsing_ids(list(by_id.values()))
    if not lapsing or movement.flows.empty:
        return None
    columns = [c for c in movement.flows.columns if int(c) in lapsing]
    if not columns:
        return None
    received = {
        int(c): int(movement.flows[c].drop(index=c, errors="ignore").sum()) for c in columns
    }
    return max(received, key=received.get)
