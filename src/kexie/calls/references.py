"""Which records the call engine's references may take (kexie.core.references)."""

from kexie.core.references import everyone, in_scope, register
from kexie.directory.codes import OrgKind

UNITS = in_scope("directory.Organisation", is_active=True)
# Entrants come from every province: universities and schools are chosen from the whole
# directory (those outside the city's tree have no parent, so no unit's scope holds them).
INSTITUTIONS = everyone(
    "directory.Organisation",
    reason="entrants' institutions: universities and schools of every province",
    is_active=True,
)
PEOPLE = in_scope("directory.Person")

register("calls.Call.organiser", UNITS)
register("calls.UnitQuota.unit", UNITS)
# The higher contest of this system a call recommends into: the calls the user sees (its own
# and, not drafts, those of the units above).
register("calls.Call.higher_call", in_scope("calls.Call"))  # quotas go to units below the organiser
register("calls.Entry.person", PEOPLE)
register(
    "calls.Entry.organisation",
    everyone("directory.Organisation", reason="units commended by the call", is_active=True),
)
register("calls.Entry.institution", INSTITUTIONS, picker_kinds=(OrgKind.UNIVERSITY, OrgKind.SCHOOL))
register("calls.Entry.submitting_unit", UNITS)
register("calls.EntryMember.person", PEOPLE)
register("calls.EntryMember.institution", INSTITUTIONS, picker_kinds=(OrgKind.UNIVERSITY, OrgKind.SCHOOL))
register("calls.InstitutionAlias.organisation", INSTITUTIONS)
# Judges are the experts of the organiser's directory, signing in with an account of its scope.
register("calls.RoundJudge.person", in_scope("directory.Person", is_expert=True))
register("calls.RoundJudge.user", in_scope("accounts.User", is_active=True))
register("calls.JudgeConflict.entry", in_scope("calls.Entry"))
