"""Which records the funds module's references may take (kexie.core.references)."""

from kexie.core.references import everyone, in_scope, register

UNITS = in_scope("directory.Organisation", is_active=True)

register("funds.Programme.unit", UNITS)
register("funds.Programme.call", in_scope("calls.Call", kind="grant"))
register("funds.Project.programme", in_scope("funds.Programme"))
# Projects go to units below the programme's unit (农技协, bases): any active unit of the city.
register(
    "funds.Project.undertaker",
    everyone("directory.Organisation", reason="undertakers of funded projects", is_active=True),
)
register("funds.Project.entry", in_scope("calls.Entry"))
register("funds.BudgetLine.project", in_scope("funds.Project"))
register("funds.ProjectReport.project", in_scope("funds.Project"))
register("funds.Tranche.project", in_scope("funds.Project"))
register("funds.Tranche.report", in_scope("funds.ProjectReport"))
register("funds.Payment.project", in_scope("funds.Project"))
register("funds.Payment.tranche", in_scope("funds.Tranche"))
register("funds.Acceptance.project", in_scope("funds.Project"))
register("funds.ConflictOfInterest.project", in_scope("funds.Project"))
register("funds.ConflictOfInterest.person", in_scope("directory.Person"))
