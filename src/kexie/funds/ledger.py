"""A project's money at a moment, in fen, from its rows: what was granted, paid, spent, what
remains to pay, what was withdrawn or returned, and the balance the undertaker holds.

granted = paid + remaining + withdrawn and paid = spent + returned + balance, every term ≥ 0
(`check` says which equation fails)."""

from dataclasses import asdict, dataclass

from django.db.models import Sum

from kexie.funds.models import Payment, Project, ProjectReport


@dataclass(frozen=True)
class Ledger:
    granted: int
    paid: int
    spent: int
    withdrawn: int
    returned: int

    @property
    def remaining(self) -> int:
        return self.granted - self.withdrawn - self.paid

    @property
    def balance(self) -> int:
        return self.paid - self.spent - self.returned

    def as_dict(self) -> dict:
        return {**asdict(self), "remaining": self.remaining, "balance": self.balance}

    def problems(self) -> list[str]:
        found = []
        if self.remaining < 0:
            found.append(f"拨付 {yuan(self.paid)} 元超过可拨金额 {yuan(self.granted - self.withdrawn)} 元")
        if self.balance < 0:
            found.append(
                f"支出与退回合计 {yuan(self.spent + self.returned)} 元超过已拨付 {yuan(self.paid)} 元"
            )
        return found


def _sum(qs, field: str) -> int:
    return int(qs.aggregate(n=Sum(field))["n"] or 0)


def ledger(project: Project) -> Ledger:
    reason = "a project's ledger reads all of its own rows"
    paid = _sum(Payment.objects.unscoped(reason=reason).filter(project=project), "amount_fen")
    spent = _sum(
        ProjectReport.objects.unscoped(reason=reason).filter(project=project, accepted=True), "spent_fen"
    )
    return Ledger(granted=project.granted_fen, paid=paid, spent=spent, withdrawn=project.withdrawn_fen,
                  returned=project.returned_fen)  # fmt: skip


def yuan(fen: int) -> str:
    """Fen as yuan with two decimals, without floats: 215000000 → "2150000.00"."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{sign}{whole}.{cents:02d}"


def wan(fen: int) -> str:
    """Fen as 万元 for sentences: 2150000_00 → "215", 630000_00 → "63", 125000_00 → "12.5"."""
    whole, rest = divmod(int(fen), 1_000_000)
    if not rest:
        return str(whole)
    return f"{whole}.{rest:06d}".rstrip("0")
