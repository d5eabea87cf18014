"""The strategy library: concrete actions chosen from a segment's profile."""

from __future__ import annotations

from segmentation.naming import Profile

STRATEGIES: dict[str, str] = {
    "vip_care": (
        "VIP care: give them a named contact, free express shipping and a hand-written thank-you "
        "with their next order; call the top 20 by spend each quarter."
    ),
    "loyalty_rewards": (
        "Loyalty rewards: points on every order with a visible next tier, and a bonus after their "
        "next three purchases to keep the habit going."
    ),
    "early_access": (
        "Early access: invite them to new collections and sales 48 hours before everyone else."
    ),
    "personalised_offers": (
        "Personalised offers: recommend products bought with their favourite items and offer a "
        "bundle price to grow the basket."
    ),
    "exclusive_high_end": (
        "Exclusive high-end offers: show premium and limited-edition lines first, with a "
        "concierge-style service rather than discounts."
    ),
    "subscriptions": (
        "Subscriptions: offer a replenishment plan for the items they buy in bulk, with a small "
        "saving for committing to a schedule."
    ),
    "welcome_campaign": (
        "Welcome campaign: a three-email series over two weeks — brand story, best-sellers, and "
        "how to get help — starting the day after the first order."
    ),
    "repeat_purchase": (
        "Repeat-purchase incentive: a second-order voucher valid for 30 days, sent a week after "
        "delivery."
    ),
    "win_back": (
        "Win-back: a time-limited offer on their most-bought category, then a reminder after 7 "
        "days; stop after two touches and leave them out of regular promotions."
    ),
    "feedback": (
        "Ask why: a one-question survey on why they stopped buying, with a small thank-you "
        "voucher; use the answers to fix what drives churn."
    ),
    "reactivation_vip": (
        "Personal win-back: a call or personal email from the account team for the biggest "
        "spenders before they are lost for good."
    ),
    "upsell": (
        "Upsell: show higher-value alternatives and free shipping above a threshold just over "
        "their usual order value."
    ),
}


def strategies_for(p: Profile) -> list[str]:
    """2–4 strategy keys for a profile, most important first."""
    f, r = p.level("frequency"), p.recency_word
    avg, total = p.level("average_spend"), p.level("total_spend")
    picks: list[str] = []
    if r == "lapsed":
        picks += ["win_back", "feedback"]
        if total == "high" or avg == "high":
            picks.insert(0, "reactivation_vip")
    elif f == "high":
        picks += ["vip_care"] if total == "high" else []
        picks += ["loyalty_rewards", "early_access", "personalised_offers"]
    elif p.median_frequency <= 1 and r == "recent":
        picks += ["welcome_campaign", "repeat_purchase", "personalised_offers"]
    elif avg == "high":
        picks += ["exclusive_high_end", "subscriptions", "personalised_offers"]
    elif r == "recent":
        picks += ["repeat_purchase", "personalised_offers", "loyalty_rewards"]
    else:
        picks += ["repeat_purchase", "personalised_offers", "subscriptions"]
    if len(picks) < 4 and avg in ("low", "moderate") and r != "lapsed" and "upsell" not in picks:
        picks.append("upsell")
    return list(dict.fromkeys(picks))[:4]


def strategy_texts(keys: list[str]) -> list[str]:
    """The action text for each strategy key."""
    return [STRATEGIES[k] for k in keys]
