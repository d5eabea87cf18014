"""Strategies chosen by rules over a segment's facts, and written with its own numbers.

Each ``Strategy`` says when it applies (a rule over ``Evidence``, also stated in words) and
writes its action for that segment: who, how many, what, when. ``strategies_for`` takes the
first four that apply, in the order of ``STRATEGIES`` (most urgent first). Spend-based perks
leave out customers who returned at least half of what they bought, and say so.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import segmentation.offers as offers
from segmentation.evidence import WELL_ABOVE, Evidence
from segmentation.facts import LIKELY_GONE, TOP_CUSTOMERS
from segmentation.formatting import count, money, number, times

MAX_STRATEGIES = 4
CALL_LIST = TOP_CUSTOMERS  # a team can call this many people; personal outreach is never for more
REVIEW_AFTER_DAYS = 7  # a week after a first order most parcels have arrived and been tried
HIGH_RETURN_RATE = 0.1  # a tenth of gross spend coming back is worth acting on
# Calls are proposed only where the call list's customers hold at least this share of the
# segment's net revenue: a tenth, like returns, is worth a team's afternoon; below it twenty
# calls move too little of the segment to be worth more than an email.
CALL_SHARE = 0.1
MOST = 0.5


@dataclass(frozen=True)
class Strategy:
    key: str
    when: str
    applies: Callable[[Evidence], bool]
    write: Callable[[Evidence], str]
    spend_based: bool = False


def _n(e: Evidence, state: str) -> str:
    return count(e.facts.count(state), "customer")


def _returners(e: Evidence) -> str:
    """Said once per segment, on its first spend-based perk (see ``strategies_for``)."""
    k = e.facts.high_returners
    if not k:
        return ""
    return (
        f" Spend-based perks leave out the {count(k, 'customer')} who returned at least half "
        "of what they bought."
    )


def _welcome(e: Evidence) -> str:
    return (
        f"Welcome series for the {_n(e, 'new')} whose first order came in the last "
        f"{e.lifecycle.new_days} days: three emails over two weeks (brand story, best-sellers, "
        "how to get help), starting the day after the first order."
    )


def _second_order(e: Evidence) -> str:
    once = round(e.facts.one_time_share * e.customers)
    return (
        f"Second-order voucher for the {count(once, 'customer')} ({e.facts.one_time_share:.0%}) "
        f"who have ordered once, a median {e.median.recency_days:,.0f} days ago: valid 30 days, "
        f"worth about a tenth of their {money(e.median.average_spend, e.currency)} first order."
    )


def _win_back(e: Evidence) -> str:
    """Led by the customers the model finds likely gone, when it finds any; the audience
    stays those at risk or lapsed, the lifecycle's own reading of the same silence."""
    slipping = e.facts.count("at_risk") + e.facts.count("lapsed")
    items = (
        offers.offer_items(e)
        or offers.usual_listed(e, "most-bought items")
        or "their most-bought category"
    )
    action = (
        f"within 2 weeks, a time-limited offer on {items}; one reminder after 7 days, then stop."
    )
    audience = (
        f"the {count(slipping, 'customer')} at risk or lapsed (median last order "
        f"{e.median.recency_days:,.0f} days ago, {money(e.median.average_spend, e.currency)} per order)"
    )
    gone, share = e.facts.likely_gone, e.facts.likely_gone_share
    if not gone or share is None:
        return f"Win-back for {audience}: {action}"
    who = "1 customer, " if gone == 1 else f"{gone:,} customers, "
    verb = "is" if gone == 1 else "are"
    return (
        f"{who}{share:.0%} of this segment's net revenue, {verb} likely gone (chance of still "
        f"being active under {LIKELY_GONE:.0%}): win-back now, together with {audience}, with "
        f"{action}"
    )


def _call(e: Evidence) -> str:
    n = min(CALL_LIST, e.customers)
    why = "before they are lost for good" if e.slipping_share > MOST else "once a quarter"
    return (
        f"Call the {n} largest customers by net spend ({e.facts.top_net_share:.0%} of this "
        f"segment's net revenue) personally, {why}."
    )


def _vip(e: Evidence) -> str:
    return (
        f"VIP care for the {count(round(e.active_share * e.customers), 'active customer')} "
        f"(median {money(e.median.total_spend, e.currency)} over {number(e.median.frequency)} orders): free "
        f"express shipping and a named contact."
    )


def _loyalty(e: Evidence) -> str:
    gap = e.facts.median_gap_days
    rhythm = f", one every {gap:,.0f} days" if gap else ""
    return (
        f"Loyalty points for these {count(e.customers, 'repeat buyer')} (median "
        f"{number(e.median.frequency)} orders{rhythm}): show the next tier and add a bonus after "
        f"their next three orders."
    )


def _premium(e: Evidence) -> str:
    return (
        f"Premium lines first: they spend a median {money(e.median.average_spend, e.currency)} per order "
        f"({times(e.ratio('average_spend'))} the store's median); show limited editions and concierge service "
        f"instead of discounts."
    )


def _subscription(e: Evidence) -> str:
    return (
        f"Replenishment plan: they reorder every {e.facts.median_gap_days:,.0f} days (median); "
        f"offer a subscription on {offers.usual_items(e) or offers.usual_listed(e) or 'their usual items'} "
        "at a small saving."
    )


def _upsell(e: Evidence) -> str:
    threshold = 1.2 * e.median.average_spend
    return (
        f"Free shipping above {money(threshold, e.currency)}, just over their median order of "
        f"{money(e.median.average_spend, e.currency)}, to grow the basket."
    )


def _feedback(e: Evidence) -> str:
    return (
        f"Ask the {_n(e, 'lapsed')} who lapsed why they stopped: a one-question survey "
        "with a small thank-you voucher."
    )


def _returns(e: Evidence) -> str:
    return (
        f"Returns: {e.facts.return_rate:.0%} of this segment's gross spend came back "
        f"({money(e.facts.returned_value, e.currency)}); check sizing and product pages for what they "
        f"return, and keep the {count(e.facts.high_returners, 'customer')} who returned at least "
        "half of what they bought out of spend-based perks."
    )


def _offers(e: Evidence) -> str:
    what = (
        offers.next_items(e) or offers.next_listed(e) or "what is bought with their favourite items"
    )
    return (
        f"Personalised offers for these {count(e.customers, 'customer')}: recommend {what}, "
        f"around their median order of {money(e.median.average_spend, e.currency)}."
    )


def _review(e: Evidence) -> str:
    return (
        f"Review request to the {count(e.facts.count('new'), 'new customer')}, whose first order was a median "
        f"{e.median.recency_days:,.0f} days ago: ask for a rating and a photo of what they "
        "bought, and answer every low rating within a day."
    )


def _reorder(e: Evidence) -> str:
    slipping = e.facts.count("at_risk") + e.facts.count("lapsed")
    return (
        f"Reorder reminder for the {count(slipping, 'customer')} at risk or lapsed: they used to "
        f"order every {e.facts.median_gap_days or 0:,.0f} days (median); send "
        f"{offers.usual_items(e) or offers.usual_listed(e, 'most-bought items') or 'their most-bought items'} "
        "with a one-click reorder link."
    )


def _last_chance(e: Evidence) -> str:
    return (
        f"Last-chance email to the {_n(e, 'lapsed')} who lapsed, most of whom ordered once, a median "
        f"{e.median.recency_days:,.0f} days ago: one offer, then move those who do not open it "
        "to a quarterly newsletter so the list stays healthy."
    )


def _bundle(e: Evidence) -> str:
    pair = offers.bundle(e)
    if pair is not None:
        return (
            f"Bundles as a step up from their median order of "
            f"{money(e.median.average_spend, e.currency)}: {offers.bundle_phrase(pair)}; price "
            f"the bundle near the store's median order of {money(e.overall.average_spend, e.currency)}."
        )
    return (
        f"Bundles as a step up: their median order is {money(e.median.average_spend, e.currency)} "
        f"({times(e.ratio('average_spend'))} the store's median); offer "
        f"{offers.usual_listed(e) or 'their usual items'} as a bundle priced near the store's "
        "median order of "
        f"{money(e.overall.average_spend, e.currency)}."
    )


def _repeat(e: Evidence) -> bool:
    return e.facts.one_time_share < MOST


def _regular(e: Evidence) -> bool:
    gap = e.facts.median_gap_days
    return _repeat(e) and e.median.frequency >= 3 and gap is not None and gap <= 90


def _big(e: Evidence) -> bool:
    return e.level("total_spend") == "high" or e.level("average_spend") == "high"


STRATEGIES: tuple[Strategy, ...] = (
    Strategy("welcome_series", "most are new and most bought once", lambda e: e.facts.share("new") > MOST and e.facts.one_time_share > MOST, _welcome),
    Strategy("win_back", "most are at risk or lapsed", lambda e: e.slipping_share > MOST, _win_back),
    Strategy("personal_call", f"spend stands out (total or per order, at least {WELL_ABOVE}x the store's median) and the {CALL_LIST} largest customers hold at least {CALL_SHARE:.0%} of its net revenue", lambda e: _big(e) and e.facts.top_net_share >= CALL_SHARE, _call, spend_based=True),
    Strategy("second_order", "most bought once and most are not lapsed", lambda e: e.facts.one_time_share > MOST and e.facts.share("lapsed") <= MOST, _second_order),
    Strategy("review_request", f"most are new and their median first order is at least {REVIEW_AFTER_DAYS} days old", lambda e: e.facts.share("new") > MOST and e.median.recency_days >= REVIEW_AFTER_DAYS, _review),
    Strategy("vip_care", f"most are active, most repeat, total spend high and at least {WELL_ABOVE}x the store's median", lambda e: e.active_share > MOST and _repeat(e) and e.level("total_spend") == "high", _vip, spend_based=True),
    Strategy("returns", f"at least {HIGH_RETURN_RATE:.0%} of gross spend came back", lambda e: e.facts.return_rate >= HIGH_RETURN_RATE, _returns),
    Strategy("premium_lines", f"spend per order high and at least {WELL_ABOVE}x the store's median, and most are not lapsed", lambda e: e.level("average_spend") == "high" and e.facts.share("lapsed") <= MOST, _premium, spend_based=True),
    Strategy("loyalty_points", "most repeat and most are active", lambda e: _repeat(e) and e.active_share > MOST, _loyalty, spend_based=True),
    Strategy("subscription", "most repeat, 3+ orders, reorder within 90 days, most active", lambda e: _regular(e) and e.active_share > MOST, _subscription),
    Strategy("reorder_reminder", "most repeat and most are at risk or lapsed", lambda e: _repeat(e) and e.slipping_share > MOST and e.facts.median_gap_days is not None, _reorder),
    Strategy("feedback_survey", "most are lapsed", lambda e: e.facts.share("lapsed") > MOST, _feedback),
    Strategy("last_chance", "most bought once and most are lapsed", lambda e: e.facts.one_time_share > MOST and e.facts.share("lapsed") > MOST, _last_chance),
    Strategy("bundle", "spend per order low (below the store's median)", lambda e: e.level("average_spend") == "low", _bundle),
    Strategy("free_shipping_threshold", "spend per order not high and most are active", lambda e: e.level("average_spend") != "high" and e.active_share > MOST, _upsell),
    Strategy("personalised_offers", "always (the fallback)", lambda e: True, _offers),
)  # fmt: skip
BY_KEY = {s.key: s for s in STRATEGIES}


def strategies_for(e: Evidence) -> list[Strategy]:
    """The first ``MAX_STRATEGIES`` strategies whose rule holds, most urgent first."""
    return [s for s in STRATEGIES if s.applies(e)][:MAX_STRATEGIES]


def distinct_strategies(evidence: list[Evidence]) -> dict[int, list[Strategy]]:
    """``strategies_for`` each segment, such that no two segments of a run get the same list.

    Lists are compared as sets of actions. A segment whose set repeats an earlier one's
    (segments are taken in order) adds the next strategy that holds for it and is not on its
    list (in place of its last pick when the list is full), when one does.
    """
    chosen: dict[int, list[Strategy]] = {}
    for e in evidence:
        picks = strategies_for(e)
        taken = [_keys(other) for other in chosen.values()]
        if _keys(picks) in taken:
            spare = [s for s in STRATEGIES if s.applies(e) and s not in picks]
            for candidate in spare:
                trial = [*picks[: MAX_STRATEGIES - 1], candidate]
                if len(picks) < MAX_STRATEGIES:
                    trial = [*picks, candidate]
                if _keys(trial) not in taken:
                    picks = trial
                    break
        chosen[e.segment_id] = picks
    return chosen


def _keys(strategies: list[Strategy]) -> frozenset[str]:
    return frozenset(s.key for s in strategies)


def write_strategies(e: Evidence, chosen: list[Strategy]) -> list[str]:
    """Each chosen strategy written for the segment; the first spend-based perk also says
    who it leaves out (unless the returns strategy, which says it, is on the list)."""
    texts = [s.write(e) for s in chosen]
    first_perk = next((i for i, s in enumerate(chosen) if s.spend_based), None)
    if first_perk is not None and "returns" not in [s.key for s in chosen]:
        texts[first_perk] += _returners(e)
    return texts
