"""How deal legs become FtM entities, declared once (docs/interchange.md 1.2): the export
writes by these tables and the importer reads by them, in reverse.

A leg's **form** is how it is written: which FtM schema holds it, which of the schema's edge
properties names the payer and which the payee, and which helper entity (a ``Contract`` or a
``Security``) comes with it. Which form a leg takes is read from the vocabulary
(:data:`loopledger.vocabulary.KINDS`): the kind's family picks it (:data:`FAMILY_FORMS`), and
:data:`KIND_FORMS` names the one kind whose family FtM does not fit (a lease is bought like a
service, but FtM has no lease schema: it is a ``Debt`` the lessee owes). A **paid flow**
(:func:`is_paid_flow`: a realised-spend row, or a funded leg of a family whose legs are one
transfer of money) is written as a ``Payment`` by the forms that allow it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...ledger.model import Deal, Overlap
from ...vocabulary import KINDS, STATUSES, Family, moves_cash

PAYER, PAYEE, HELPER = "payer", "payee", "helper"


@dataclass(frozen=True)
class Form:
    """How one kind of leg is written as FtM entities."""

    name: str
    #: the main entity's schema (the edge; its id is ``ll-deal-<deal id>``)
    schema: str
    #: the main entity's edge properties, source first, and what each names: the payer, the
    #: payee, or the helper entity (which then names the other party in ``helper_ends``)
    ends: dict[str, str]
    #: the helper entity's schema, written before the main entity, id suffix ``-<suffix>``
    helper: str | None = None
    helper_ends: dict[str, str] = field(default_factory=dict)
    #: ``ownershipType`` of an Ownership form
    ownership_type: str | None = None
    #: a paid flow of this form is written as a ``Payment`` instead
    paid_as_payment: bool = False
    #: the property and currency property holding the leg's amount (None: only in the summary)
    amount: tuple[str, str] | None = ("amount", "currency")

    @property
    def suffix(self) -> str | None:
        return self.helper.lower() if self.helper else None

    def prop_of(self, role: str) -> str | None:
        """The main entity's property that names ``role`` (payer, payee or helper), if any."""
        return next((p for p, r in self.ends.items() if r == role), None)


SHARES = ("sharesValue", "sharesCurrency")
CONTRACT_AWARD = Form("contract award", "ContractAward", {"contract": HELPER, "supplier": PAYEE},
                      helper="Contract", helper_ends={"authority": PAYER}, paid_as_payment=True)
HOLDING = Form("holding", "Ownership", {"owner": PAYER, "asset": PAYEE}, ownership_type="direct",
               amount=SHARES)
TAKEOVER = Form("takeover", "Ownership", {"owner": PAYER, "asset": PAYEE}, ownership_type="acquisition",
                amount=SHARES)
POTENTIAL_HOLDING = Form("potential holding", "Ownership", {"owner": PAYEE, "asset": HELPER},
                         helper="Security", helper_ends={"issuer": PAYER}, ownership_type="potential",
                         amount=SHARES)
#: a loan runs lender -> borrower, and the borrower is FtM's debtor
LOAN = Form("loan", "Debt", {"debtor": PAYEE, "creditor": PAYER})
#: a lease runs lessee -> lessor, and the lessee owes the rent: it is the debtor
LEASE = Form("lease", "Debt", {"debtor": PAYER, "creditor": PAYEE})
PAYMENT = Form("payment", "Payment", {"payer": PAYER, "beneficiary": PAYEE})
#: no FtM schema of its own (guarantees, programmes, unpaid revenue shares): the amount and
#: the direction of money are spelled out in the summary
LINK = Form("link", "UnknownLink", {"subject": PAYER, "object": PAYEE}, paid_as_payment=True, amount=None)

#: family -> form
FAMILY_FORMS: dict[Family, Form] = {
    Family.commercial: CONTRACT_AWARD,
    Family.equity: HOLDING,
    Family.acquisition: TAKEOVER,
    Family.grant: POTENTIAL_HOLDING,
    Family.debt: LOAN,
    Family.guarantee: LINK,
    Family.revenue_share: LINK,
    Family.deposit: LINK,
    Family.other: LINK,
}
#: kinds whose family FtM does not fit
KIND_FORMS: dict[str, Form] = {"lease": LEASE}
#: families whose funded legs are one transfer of money (a share of revenue paid out, a
#: deposit paid ahead), so a funded leg is a paid flow, not a standing relationship
PAID_WHEN_FUNDED: tuple[Family, ...] = (Family.revenue_share, Family.deposit)


def kind_form(kind: str) -> Form:
    """The form of a kind's legs (before the paid-flow rule)."""
    return KIND_FORMS.get(kind) or FAMILY_FORMS[KINDS[kind].family]


def is_paid_flow(d: Deal, status: str | None) -> bool:
    """Legs that record cash actually paid: realised-spend rows, and fully paid legs of the
    :data:`PAID_WHEN_FUNDED` families (funded revenue shares, funded deposits)."""
    if d.overlap == Overlap.realized_spend:
        return True
    paid = status is not None and status in STATUSES and STATUSES[status].paid == "all"
    return paid and KINDS[d.kind].family in PAID_WHEN_FUNDED


def leg_form(d: Deal, status: str | None) -> Form:
    """How a deal leg is written, given its latest status."""
    form = kind_form(d.kind)
    if form.paid_as_payment and is_paid_flow(d, status):
        return PAYMENT
    return form


def pays_on_takeover(d: Deal, status: str | None) -> bool:
    """Whether an acquisition gets a ``Payment`` helper: fully paid, money changed hands (its
    consideration is not stock or in kind: :func:`loopledger.vocabulary.moves_cash`) and the
    amount is known."""
    paid = status is not None and status in STATUSES and STATUSES[status].paid == "all"
    one = d.usd_high if d.usd_high is not None else d.usd_low
    return paid and moves_cash(d.kind, d.consideration) and one is not None


def kind_words(kind: str) -> str:
    """A kind's code in words (``capacity backstop``): FtM ``role`` and ``purpose`` values,
    titles and summaries. The importer reads it back (:func:`kind_of_words`), so it is the
    code itself, not the vocabulary's label."""
    return kind.replace("_", " ")


def kind_of_words(text: str | None) -> str | None:
    """The kind a ``role``, ``purpose`` or contract ``type`` names (code or words), if any."""
    code = (text or "").strip().lower().replace(" ", "_")
    return code if code in KINDS else None


# -- reading foreign entities: the tables in reverse -------------------------------------------

#: kinds written as a contract award: a foreign contract's ``type`` is read as one of these
CONTRACT_KINDS: tuple[str, ...] = tuple(k for k in KINDS if kind_form(k) is CONTRACT_AWARD)
#: the kind a foreign entity of each form is read as (a lease reads back as a loan: FtM's
#: ``Debt`` does not say which it is)
FORM_KINDS: dict[str, str] = {
    form.name: next(k for k, m in KINDS.items() if FAMILY_FORMS[m.family] is form and k not in KIND_FORMS)
    for form in (HOLDING, TAKEOVER, POTENTIAL_HOLDING, LOAN)
}
#: the kind of a foreign leg that names none
UNNAMED_KIND = next(k for k, m in KINDS.items() if m.family is Family.other)
#: schemas that become deal legs when imported (docs/interchange.md 2)
DEAL_SCHEMAS = ("Ownership", "ContractAward", "Payment", "Debt", "UnknownLink")
#: schemas read only as parts of a deal: contracts and securities
PART_SCHEMAS = tuple(f.helper for f in (CONTRACT_AWARD, POTENTIAL_HOLDING) if f.helper)


def reading_form(schema: str, kind: str | None, asset_is_security: bool = False) -> Form:
    """The form an entity of ``schema`` is read by: for a ``Debt``, the form of its kind when
    that is a debt (a lease), else a loan; for an ``Ownership``, a potential holding when its
    asset is a ``Security``."""
    if schema == "Ownership":
        return POTENTIAL_HOLDING if asset_is_security else HOLDING
    if schema == "Debt":
        form = kind_form(kind) if kind in KINDS else LOAN
        return form if form.schema == "Debt" else LOAN
    return {"ContractAward": CONTRACT_AWARD, "Payment": PAYMENT}.get(schema, LINK)


def ownership_kind(ownership_type: str | None, asset_is_security: bool) -> str:
    """The kind of a foreign ``Ownership``: an acquisition when ``ownershipType`` says so, else
    a grant when its asset is a ``Security``, else an equity investment."""
    if (ownership_type or "").lower() == TAKEOVER.ownership_type:
        return FORM_KINDS[TAKEOVER.name]
    if asset_is_security:
        return FORM_KINDS[POTENTIAL_HOLDING.name]
    return FORM_KINDS[HOLDING.name]


def contract_kind(contract_type: str | None) -> str:
    """The kind of a foreign contract award: its contract's ``type`` when that is one of
    :data:`CONTRACT_KINDS`, else :data:`UNNAMED_KIND` (the importer does not guess)."""
    code = (contract_type or "").strip().lower()
    return code if code in CONTRACT_KINDS else UNNAMED_KIND


def named_kind(text: str | None) -> str:
    """The kind a foreign ``purpose`` or ``role`` names, else :data:`UNNAMED_KIND`."""
    return kind_of_words(text) or UNNAMED_KIND


def _check() -> None:
    from followthemoney import model as ftm_model

    for form in (CONTRACT_AWARD, HOLDING, TAKEOVER, POTENTIAL_HOLDING, LOAN, LEASE, PAYMENT, LINK):
        schema = ftm_model.get(form.schema)
        assert schema is not None and tuple(form.ends) == (schema.edge_source, schema.edge_target), form.name
        assert sorted(r for r in [*form.ends.values(), *form.helper_ends.values()] if r != HELPER) == [PAYEE, PAYER]
    assert set(FAMILY_FORMS) == set(Family), "every family needs a form"


_check()
