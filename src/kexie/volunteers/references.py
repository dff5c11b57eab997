"""Which records the volunteers and training module's references may take (kexie.core.references)."""

from kexie.core.references import in_scope, register
from kexie.directory.codes import OrgKind

UNITS = in_scope("directory.Organisation", is_active=True)
PEOPLE = in_scope("directory.Person")

register("volunteers.VolunteerProfile.person", PEOPLE)
register("volunteers.VolunteerProfile.teams", in_scope("volunteers.VolunteerTeam"))
register("volunteers.VolunteerTeam.organisation", UNITS)
register("volunteers.VolunteerTeam.leader", PEOPLE)
register("volunteers.ServiceRecord.volunteer", in_scope("volunteers.VolunteerProfile"))
register("volunteers.ServiceRecord.activity", in_scope("activities.Activity"))
register("volunteers.ServiceRecord.team", in_scope("volunteers.VolunteerTeam"))
register("volunteers.ServiceRecord.organising_unit", UNITS)
register("volunteers.ServiceRecord.responsible_person", PEOPLE)
register("volunteers.Course.activity", in_scope("activities.Activity"))
register("volunteers.Course.trainers", PEOPLE)
register("volunteers.CourseSession.course", in_scope("volunteers.Course"))
register("volunteers.Enrolment.course", in_scope("volunteers.Course"))
register("volunteers.Enrolment.person", PEOPLE)
register(
    "volunteers.Enrolment.leader_of",
    in_scope("directory.Organisation", kind=OrgKind.RURAL_TECH_ASSOCIATION, is_active=True),
    picker_kinds=(OrgKind.RURAL_TECH_ASSOCIATION,),
)
register("volunteers.VolunteerEvaluation.volunteer", in_scope("volunteers.VolunteerProfile"))
register("volunteers.VolunteerEvaluation.unit", UNITS)
