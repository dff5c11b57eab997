"""3+1 (提升基层科协组织力): which hospitals, schools and agricultural stations (county and
township level) have their head (基层三长: 院长、校长、站长) in the association, and the coverage
by county. A head is "in the association" when a directory person tagged 基层三长 holds a
position (Affiliation) at the unit. Reads through the scoped managers only."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kexie.accounts.roles import EDIT
from kexie.core import audit
from kexie.core.services import require_obj_in_scope, require_perm
from kexie.directory.codes import OrgKind
from kexie.directory.models import Affiliation, Organisation, Person
from kexie.directory.services import person_update

HEAD_UNIT_KINDS = (OrgKind.HOSPITAL, OrgKind.SCHOOL, OrgKind.AGRI_STATION)
HEAD_ROLES = {OrgKind.HOSPITAL: "院长", OrgKind.SCHOOL: "校长", OrgKind.AGRI_STATION: "站长"}


def head_units(units) -> dict[int, bool]:
    """unit id → whether its head is in the association, for the given unit queryset."""
    ids = list(units.values_list("id", flat=True))
    covered = set(
        Affiliation.objects.unscoped(reason="heads of units already in the caller's scope")
        .filter(organisation_id__in=ids, person__is_grassroots_head=True)
        .values_list("organisation_id", flat=True)
    )
    return {pk: pk in covered for pk in ids}


@dataclass
class CountyCoverage:
    county: str
    units: int
    covered: int
    by_kind: dict

    @property
    def share(self) -> float | None:
        return round(100 * self.covered / self.units, 1) if self.units else None


def coverage_by_county(units) -> list[CountyCoverage]:
    """Units and covered units per county (the unit's region's county; 市直 when none)."""
    flags = head_units(units)
    rows: dict[str, CountyCoverage] = {}
    for unit in units.select_related("region", "region__parent"):
        county = unit.region.county() if unit.region_id else None
        name = county.name if county else _("市直")
        row = rows.setdefault(name, CountyCoverage(name, 0, 0, {}))
        row.units += 1
        row.covered += flags[unit.pk]
        kind = row.by_kind.setdefault(unit.kind, [0, 0])
        kind[0] += 1
        kind[1] += flags[unit.pk]
    return sorted(rows.values(), key=lambda r: r.county)


def scoped_head_units(user):
    return Organisation.objects.for_user(user).filter(kind__in=HEAD_UNIT_KINDS, is_active=True)


@transaction.atomic
def grassroots_head_add(*, actor, unit: Organisation, person: Person) -> Affiliation:
    """Record that `person` heads `unit` and has joined the association (tagged 基层三长)."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, unit)
    require_obj_in_scope(actor, person)
    if unit.kind not in HEAD_UNIT_KINDS:
        raise ValidationError({"unit": _("单位:只有医院、学校、农技站计入“基层三长”")})
    if not person.is_grassroots_head:
        person_update(actor=actor, person=person, data={"is_grassroots_head": True})
    link, created = Affiliation.objects.within(person.unit).get_or_create(
        person=person, organisation=unit, role=HEAD_ROLES[unit.kind], defaults={"is_primary": False}
    )
    if created:
        audit.log(actor=actor, action="kexie.grassroots_head.added", obj=link, after=audit.snapshot(link))
    return link
