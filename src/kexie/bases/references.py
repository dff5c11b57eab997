"""Which records the bases module's references may take (kexie.core.references)."""

from kexie.core.references import in_scope, register
from kexie.directory.codes import OrgKind

UNITS = in_scope("directory.Organisation", is_active=True)

register("bases.NamingRound.call", in_scope("calls.Call", kind="designation"))
register("bases.BaseDesignation.designation", in_scope("directory.Designation"))
register("bases.BaseDesignation.naming_round", in_scope("bases.NamingRound"))
register("bases.BaseDesignation.entry", in_scope("calls.Entry"))
register("bases.DesignationChange.base_designation", in_scope("bases.BaseDesignation"))
register("bases.DesignationChange.assessment", in_scope("bases.Assessment"))
register("bases.AssessmentScheme.unit", UNITS)
register("bases.Assessment.base_designation", in_scope("bases.BaseDesignation"))
register("bases.Venue.operator", UNITS)
register("bases.VenueMonth.venue", in_scope("bases.Venue"))
# The base a naming entry is for: an outreach base in the actor's scope.
BASES = in_scope("directory.Organisation", kind=OrgKind.OUTREACH_BASE, is_active=True)
register("bases.Base.organisation", BASES, picker_kinds=(OrgKind.OUTREACH_BASE,))
