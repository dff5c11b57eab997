"""Which records the innovation module's references may take (kexie.core.references)."""

from kexie.core.references import in_scope, register
from kexie.directory.codes import OrgKind

ENTERPRISES = in_scope("directory.Organisation", kind=OrgKind.ENTERPRISE, is_active=True)
SOCIETIES = in_scope("directory.Organisation", kind=OrgKind.SOCIETY, is_active=True)
EXPERTS = in_scope("directory.Person", is_expert=True)

register("innovation.Demand.enterprise", ENTERPRISES)
register("innovation.Demand.visit", in_scope("innovation.EnterpriseVisit"))
register("innovation.EnterpriseVisit.enterprise", ENTERPRISES)
register("innovation.Matchmaking.expert", EXPERTS)
register("innovation.Matchmaking.society", SOCIETIES)
register("innovation.Matchmaking.demand", in_scope("innovation.Demand"))
register("innovation.Forum.host_unit", in_scope("directory.Organisation", is_active=True))
register("innovation.Forum.academicians", EXPERTS)
register("innovation.Agreement.unit", in_scope("directory.Organisation", is_active=True))
register("innovation.Agreement.forum", in_scope("innovation.Forum"))
register("innovation.Agreement.expert", EXPERTS)
register("innovation.Agreement.society", SOCIETIES)
register("innovation.Agreement.demand", in_scope("innovation.Demand"))
register("innovation.SocietyEngagement.society", SOCIETIES)
register("innovation.SocietyEngagement.unit", in_scope("directory.Organisation", is_active=True))
register("innovation.SocietyEngagement.demand", in_scope("innovation.Demand"))
register("innovation.PatentServiceRegistration.enterprise", ENTERPRISES)
