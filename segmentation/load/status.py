"""What an export's status values mean: a sale, or not a sale.

Platforms write an order's or a payment's state in a status column (Shopify's
``Financial Status``, WooCommerce's ``Order Status``, Stripe's ``Status``, Square's
``Event Type``). Only money that was taken is revenue:

- **sales**: paid, partially paid, completed, processing (paid, not yet shipped),
  succeeded, captured, settled; refunded and partially refunded orders were sales, and
  their refunds are returns; a refund line (Square's ``Refund`` event) is a return.
- **not sales**: voided, cancelled, failed, declined, pending, authorized (not captured),
  on hold, expired, abandoned, draft, blocked, incomplete: no money changed hands.

Values are compared without case, accents, a ``wc-`` prefix or the separators between
words ("PAID", "Payé", "partially_refunded", "wc-on-hold" all read). A value that is none
of these is *unknown*: its lines are left out and the value is named with its count, so a
figure never silently includes or excludes them.
"""

from __future__ import annotations

from collections.abc import Iterable

SALE = "sale"
NOT_A_SALE = "not a sale"
UNKNOWN = "unknown"


def _phrases(text: str) -> frozenset[str]:
    """Phrases written one per line, as folded values."""
    return frozenset(line.strip() for line in text.strip().splitlines() if line.strip())


# Already folded (as ``values.status`` folds a cell). English first, then French, German,
# Spanish, Portuguese, Italian and Dutch: the languages stores' back offices are most often
# set to.
SALES = _phrases(
    """
    paid
    partially paid
    partly paid
    completed
    complete
    processing
    in process
    in progress
    succeeded
    success
    successful
    captured
    settled
    approved
    fulfilled
    shipped
    delivered
    refunded
    partially refunded
    partly refunded
    refund
    payment
    sale
    paye
    payee
    partiellement paye
    rembourse
    remboursee
    partiellement rembourse
    termine
    terminee
    bezahlt
    teilweise bezahlt
    erstattet
    teilweise erstattet
    abgeschlossen
    pagado
    pagada
    pago
    reembolsado
    parcialmente reembolsado
    completado
    concluido
    pagato
    rimborsato
    parzialmente rimborsato
    completato
    betaald
    terugbetaald
    gedeeltelijk terugbetaald
    voltooid
    """
)
NOT_SALES = _phrases(
    """
    voided
    void
    cancelled
    canceled
    cancel
    failed
    failure
    declined
    pending
    pending payment
    authorized
    authorised
    uncaptured
    on hold
    expired
    abandoned
    draft
    checkout draft
    blocked
    incomplete
    requires payment method
    requires action
    trash
    annule
    annulee
    echoue
    echouee
    refuse
    refusee
    en attente
    storniert
    fehlgeschlagen
    abgelehnt
    ausstehend
    cancelado
    cancelada
    fallido
    rechazado
    pendiente
    annullato
    fallito
    rifiutato
    in attesa
    geannuleerd
    mislukt
    geweigerd
    in afwachting
    """
)


def folded_values(meaning_wanted: str) -> tuple[str, ...]:
    """The folded values with that meaning, sorted (``values.status`` compares them in SQL)."""
    values = SALES if meaning_wanted == SALE else NOT_SALES
    return tuple(sorted(values))


def listing(counts: Iterable[tuple[str, int]]) -> str:
    """'voided' (2 lines), 'failed' (1 line): values with their line counts, most first."""
    ordered = sorted(counts, key=lambda pair: (-pair[1], pair[0]))
    return ", ".join(f"'{value}' ({n:,} line{'s' if n != 1 else ''})" for value, n in ordered)
