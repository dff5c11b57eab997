"""Which organisations and people the directory's references may take (kexie.core.references)."""

from kexie.core.references import in_scope, register

register("directory.Organisation.parent", in_scope("directory.Organisation"))
register("directory.Person.unit", in_scope("directory.Organisation"))
register("directory.OrganisationYear.organisation", in_scope("directory.Organisation"))
register("directory.OrganisationYear.party_secretary", in_scope("directory.Person"))
register("directory.Designation.organisation", in_scope("directory.Organisation"))
register("directory.Affiliation.person", in_scope("directory.Person"))
register("directory.Affiliation.organisation", in_scope("directory.Organisation"))
