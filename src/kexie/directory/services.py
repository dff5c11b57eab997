"""Writes to the directory. Each is keyword-only, atomic, and audited.

`organisation_create/update` and `person_create/update` are the one write path of the web
forms and the API: permission, scope and the reference rules (kexie.core.references) are
checked here, whatever the caller already checked. Imports write in bulk through the import
framework and share the rules below (association level, parent changes, birth years, ID
numbers) so that a row is refused for the same reason, in the same words.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kexie.accounts.roles import EDIT, MANAGE_USERS
from kexie.core import audit, references
from kexie.core.services import (
    apply_fields,
    full_clean_chinese,
    require_obj_in_scope,
    require_perm,
    require_unit_in_scope,
    save_with_audit,
)
from kexie.core.validators import (
    id_number_problem,
    normalise_id_number,
    phone_problem,
    uscc_checksum_ok,
    uscc_problem,
)
from kexie.directory.codes import PARTY_COVERED, OrgKind, party_form_problem
from kexie.directory.models import Affiliation, Designation, Organisation, OrganisationYear, Person, Region
from kexie.directory.signals import unit_moved

ORG_FIELDS = (
    "name", "short_name", "kind", "association_level", "parent", "region", "uscc",
    "contact_name", "contact_phone", "email", "address", "is_active", "note",
    "established_on", "dissolved_on",
)  # fmt: skip
YEAR_FIELDS = (
    "has_party_organisation", "member_count", "note",
    "party_form", "party_members", "party_secretary", "has_party_instructor",
)  # fmt: skip
DESIGNATION_FIELDS = ("type", "title", "level", "year", "valid_until", "issuer", "document_no")
PERSON_FIELDS = (
    "name", "gender", "birth_year", "phone", "title", "discipline", "unit", "is_sci_worker",
    "is_expert", "is_volunteer", "is_cadre", "is_grassroots_head", "profile",
)  # fmt: skip


ASSOCIATION_NEEDS_LEVEL = "科协须填写层级(市级、县级、乡镇/街道、企业、高校)"
LEVEL_ONLY_FOR_ASSOCIATIONS = "只有科协才有层级"
OWN_PARENT_FIXED = "不能修改本单位的上级单位"
PARENT_BELOW_ITSELF = "上级单位不能是本单位或其下级单位"
TOP_LEVEL_NEEDS_SUPERUSER = "上级单位不能为空(只有系统管理员可以设置顶级单位)"
ID_NUMBER_TAKEN = "身份证号码已登记在其他人员名下"
BIRTH_YEARS = (1900, 2030)


def association_level_problem(kind: str, level: str) -> str | None:
    """Associations (科协) have a level; nothing else has one."""
    if kind == OrgKind.ASSOCIATION and not level:
        return ASSOCIATION_NEEDS_LEVEL
    if kind != OrgKind.ASSOCIATION and level:
        return LEVEL_ONLY_FOR_ASSOCIATIONS
    return None


def parent_change_problem(org: Organisation, parent_path: str, *, actor) -> str | None:
    """Why an existing organisation may not move under the unit at `parent_path` ("" for none:
    top level); None when it may. A user's own unit keeps its parent and only superusers make
    top-level units; no unit goes below itself."""
    limited = actor is not None and not actor.is_superuser
    if limited and org.pk == getattr(actor, "unit_id", None):
        return OWN_PARENT_FIXED
    if limited and not parent_path:  # a top-level unit would leave every user's scope
        return TOP_LEVEL_NEEDS_SUPERUSER
    if org.path and parent_path and parent_path.startswith(org.path):
        return PARENT_BELOW_ITSELF
    return None


def check_reference(actor, key: str, value, *, field: str, label: str) -> None:
    """The field's reference rule, for a value the write sets (the system, with no user, has no
    rule to ask: imports the command line runs check their own)."""
    if actor is not None:
        references.check(key, actor, value, field=field, label=label)


def validate_organisation(org: Organisation) -> None:
    errors: dict[str, str] = {}
    org.uscc = (org.uscc or "").strip().upper()
    if org.uscc:
        problem = uscc_problem(org.uscc)
        if problem:
            errors["uscc"] = problem
        org.uscc_checksum_ok = problem is None and uscc_checksum_ok(org.uscc)
    else:
        org.uscc_checksum_ok = True
    level_problem = association_level_problem(org.kind, org.association_level)
    if level_problem:
        errors["association_level"] = level_problem
    if org.contact_phone and phone_problem(org.contact_phone):
        errors["contact_phone"] = phone_problem(org.contact_phone) or ""
    if org.established_on and org.dissolved_on and org.dissolved_on < org.established_on:
        errors["dissolved_on"] = "撤销日期不能早于成立日期"
    if errors:
        raise ValidationError(errors)
    full_clean_chinese(org, exclude=["path"])


# 党建前置 (issue 15): a new society or research institute is set up through its founding
# (/societies/foundings/: kexie.societies.services.founding_prepare holds the party plan to
# kexie.societies.rules.party_plan_check, founding_complete passes the founding here). The rule
# is checked in organisation_create/update themselves, so the web form, the API, the import
# (kexie.directory.io, same message per row) and any other writer obey it. The one way around
# it is an explicit exemption with its reason (a society registered before the rule, entered
# as existing data): granted by a unit administrator only, and audited as
# kexie.organisation.exempted.
FOUNDED_KINDS = (OrgKind.SOCIETY, OrgKind.RESEARCH_INSTITUTE)
FOUNDING_FIRST = "类型:新建学会、科研院所须先在“新建学会(党建前置)”中筹建登记,明确党组织设置方案后登记成立"
EXEMPTION_NEEDS_REASON = "豁免党建前置须写明理由(如:本规定实施前已登记成立)"
EXEMPTION_ONLY_ADMIN = "只有单位管理员可以豁免党建前置程序(存量学会、院所登记)"


def founding_path_problem(kind: str, stored_kind: str | None = None) -> str | None:
    """Why a unit may not become `kind` outside a founding (None when it may): a society or
    research institute is not set up directly, nor another unit turned into one (a record
    already of that kind keeps it)."""
    if kind in FOUNDED_KINDS and kind != stored_kind:
        return FOUNDING_FIRST
    return None


def require_founding_path(kind: str, stored_kind: str | None = None) -> None:
    problem = founding_path_problem(kind, stored_kind)
    if problem:
        raise ValidationError({"kind": problem})


def _check_founding_gate(actor, org: Organisation, founding, exemption: str, stored_kind=None) -> str:
    """The 党建前置 gate of one write: "" when the kind needs nothing, "founding" when the
    founding being completed sets it up, or the exemption's reason (audited by the caller)."""
    if founding_path_problem(org.kind, stored_kind) is None:
        return ""
    if founding is not None:
        if not getattr(founding, "is_preparing", False) or (founding.name, founding.kind) != (
            org.name,
            org.kind,
        ):
            raise ValidationError({"kind": FOUNDING_FIRST})
        return "founding"
    if exemption is not None and exemption != "":
        if actor is None or not actor.has_perm(MANAGE_USERS):
            raise PermissionDenied(EXEMPTION_ONLY_ADMIN)
        if not exemption.strip():
            raise ValidationError({"kind": EXEMPTION_NEEDS_REASON})
        return exemption.strip()
    raise ValidationError({"kind": FOUNDING_FIRST})


def _log_exemption(actor, org: Organisation, reason: str) -> None:
    audit.log(actor=actor, action="kexie.organisation.exempted", obj=org, system=org.parent_id is None,
              after={"kind": org.kind, "reason": reason}, note=f"豁免党建前置:{reason}")  # fmt: skip


def uscc_warning(org: Organisation) -> str | None:
    if org.uscc and not org.uscc_checksum_ok:
        return f"统一社会信用代码“{org.uscc}”校验位不符合GB 32100(早期试点代码可能如此),已保存,请核对"
    return None


def _refresh_path(org: Organisation) -> None:
    new_path = org.compute_path()
    if new_path == org.path:
        return
    old_path = org.path
    org.path = new_path
    Organisation.objects.of(org).update(path=new_path)
    if old_path:
        for child in Organisation.objects.within_path(old_path).exclude(pk=org.pk):
            child.path = new_path + child.path[len(old_path) :]
            Organisation.objects.of(child).update(path=child.path)
        unit_moved.send(sender=Organisation, organisation=org, old_path=old_path, new_path=new_path)


@transaction.atomic
def organisation_create(
    *, actor, data: dict[str, Any], founding=None, exemption: str | None = None
) -> Organisation:
    """A new unit. A society or research institute only from its `founding` (党建前置,
    kexie.societies.services.founding_complete), or with an `exemption` naming its reason."""
    require_perm(actor, EDIT)
    org = Organisation()
    apply_fields(org, data, ORG_FIELDS)
    gate = _check_founding_gate(actor, org, founding, exemption)
    if org.parent is None and actor is not None and not actor.is_superuser:
        org.parent = actor.unit
    require_unit_in_scope(actor, org.parent, "parent")
    check_reference(actor, "directory.Organisation.parent", org.parent, field="parent", label="上级单位")
    validate_organisation(org)
    org.save()
    _refresh_path(org)
    audit.log(actor=actor, action="kexie.organisation.created", obj=org, after=audit.snapshot(org))
    if gate and gate != "founding":
        _log_exemption(actor, org, gate)
    return org


@transaction.atomic
def organisation_update(
    *, actor, org: Organisation, data: dict[str, Any], exemption: str | None = None
) -> Organisation:
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, org)
    before = audit.snapshot(org)
    apply_fields(org, data, ORG_FIELDS)
    gate = _check_founding_gate(actor, org, None, exemption, stored_kind=before["kind"])
    if before["parent_id"] != org.parent_id:  # a reference already stored is kept as it is
        require_unit_in_scope(actor, org.parent, "parent")
        check_reference(actor, "directory.Organisation.parent", org.parent, field="parent", label="上级单位")
        problem = parent_change_problem(org, org.parent.path if org.parent else "", actor=actor)
        if problem:
            raise ValidationError({"parent": problem})
    save_with_audit(
        obj=org,
        actor=actor,
        action="kexie.organisation.changed",
        before=before,
        validate=validate_organisation,
    )
    _refresh_path(org)
    if gate:
        _log_exemption(actor, org, gate)
    return org


@transaction.atomic
def organisation_delete(*, actor, org: Organisation) -> None:
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, org)
    if actor is not None and org.pk == getattr(actor, "unit_id", None):
        raise ValidationError("不能删除本单位")
    if org.children.exists():
        raise ValidationError(f"“{org}”还有下级单位,不能删除")
    audit.log(actor=actor, action="kexie.organisation.deleted", obj=org, before=audit.snapshot(org))
    org.delete()


@transaction.atomic
def organisation_year_set(*, actor, org: Organisation, year: int, data: dict[str, Any]) -> OrganisationYear:
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, org)
    record, created = OrganisationYear.objects.within(org).get_or_create(organisation=org, year=year)
    before = None if created else audit.snapshot(record)
    apply_fields(record, data, YEAR_FIELDS)
    problem = party_form_problem(record.party_form, record.party_members)
    if problem:  # the stored form with the new count, or the new form with the stored count
        raise ValidationError({"party_form": problem})
    if record.party_form:  # the form decides: a joint branch counts, an instructor alone does not
        record.has_party_organisation = record.party_form in PARTY_COVERED
    if record.party_secretary_id:
        check_reference(actor, "directory.OrganisationYear.party_secretary", record.party_secretary,
                        field="party_secretary", label="党组织书记")  # fmt: skip
    action = "kexie.organisation_year.created" if created else "kexie.organisation_year.changed"
    return save_with_audit(obj=record, actor=actor, action=action, before=before, validate=full_clean_chinese)


@transaction.atomic
def designation_create(*, actor, data: dict[str, Any]) -> Designation:
    require_perm(actor, EDIT)
    record = Designation()
    apply_fields(record, data, ("organisation", *DESIGNATION_FIELDS))
    require_unit_in_scope(actor, record.organisation, "organisation")
    return save_with_audit(
        obj=record, actor=actor, action="kexie.designation.created", before=None, validate=full_clean_chinese
    )


@transaction.atomic
def designation_delete(*, actor, designation: Designation) -> None:
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, designation)
    audit.log(
        actor=actor, action="kexie.designation.deleted", obj=designation, before=audit.snapshot(designation)
    )
    designation.delete()


def _apply_id_number(person: Person, raw: str | None) -> None:
    if raw is None:
        return
    value = normalise_id_number(raw)
    if not value:
        person.set_id_number("")
        return
    if value == person.id_number_masked:
        return  # a masked value read back from an export: unchanged
    problem = id_number_problem(value)
    if problem:
        raise ValidationError({"id_number": problem})
    person.set_id_number(value)
    everyone = Person.objects.unscoped(reason="an ID number is one person city-wide")
    duplicate = everyone.filter(id_number_hash=person.id_number_hash).exclude(pk=person.pk).first()
    if duplicate is not None:
        raise ValidationError({"id_number": ID_NUMBER_TAKEN})


def validate_person(person: Person) -> None:
    errors = {}
    if person.phone and phone_problem(person.phone):
        errors["phone"] = phone_problem(person.phone)
    if person.birth_year and not BIRTH_YEARS[0] <= person.birth_year <= BIRTH_YEARS[1]:
        errors["birth_year"] = f"出生年份应在{BIRTH_YEARS[0]}至{BIRTH_YEARS[1]}之间"
    if errors:
        raise ValidationError(errors)
    full_clean_chinese(person)


@transaction.atomic
def person_create(*, actor, data: dict[str, Any]) -> Person:
    require_perm(actor, EDIT)
    data = dict(data)
    id_number = data.pop("id_number", None)
    person = Person()
    apply_fields(person, data, PERSON_FIELDS)
    if person.unit_id is None and actor is not None and actor.unit_id:
        person.unit = actor.unit
    require_unit_in_scope(actor, person.unit if person.unit_id else None, "unit")
    if person.unit_id:
        check_reference(actor, "directory.Person.unit", person.unit, field="unit", label="管理单位")
    _apply_id_number(person, id_number)
    validate_person(person)
    person.save()
    audit.log(actor=actor, action="kexie.person.created", obj=person, after=audit.snapshot(person))
    return person


@transaction.atomic
def person_update(*, actor, person: Person, data: dict[str, Any]) -> Person:
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, person)
    data = dict(data)
    id_number = data.pop("id_number", None)
    before = audit.snapshot(person)
    apply_fields(person, data, PERSON_FIELDS)
    if before["unit_id"] != person.unit_id:  # a reference already stored is kept as it is
        require_unit_in_scope(actor, person.unit, "unit")
        check_reference(actor, "directory.Person.unit", person.unit, field="unit", label="管理单位")
    _apply_id_number(person, id_number)
    return save_with_audit(
        obj=person, actor=actor, action="kexie.person.changed", before=before, validate=validate_person
    )


@transaction.atomic
def person_delete(*, actor, person: Person) -> None:
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, person)
    audit.log(actor=actor, action="kexie.person.deleted", obj=person, before=audit.snapshot(person))
    person.delete()


@transaction.atomic
def region_create(*, actor, data: dict[str, Any]) -> Region:
    if (
        actor is not None
        and not actor.is_superuser
        and (actor.unit is None or actor.unit.parent_id is not None)
    ):
        require_perm(None, EDIT)  # only the top unit maintains the division list
    region = Region()
    apply_fields(region, data, ("code", "name", "level", "parent"))
    return save_with_audit(
        obj=region, actor=actor, action="kexie.region.created", before=None, validate=full_clean_chinese,
        unit=getattr(actor, "unit", None), system=True,  # the division list is everyone's: the maintainer's unit
    )  # fmt: skip


# ---- positions (任职) with dates ----------------------------------------------------------------


@transaction.atomic
def position_add(
    *,
    actor,
    person: Person,
    organisation: Organisation,
    role: str,
    starts_on=None,
    ends_on=None,
    is_primary: bool = False,
) -> Affiliation:
    """A person's position at an organisation for a period (e.g. a society's 理事长 elected at a
    congress). The organisation must be in the actor's scope and the person one the actor may
    name; the entry is logged under the organisation, whose page lists its positions."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, organisation)
    check_reference(actor, "directory.Affiliation.person", person, field="person", label="人员")
    position = Affiliation(person=person, organisation=organisation, role=role, starts_on=starts_on,
                           ends_on=ends_on, is_primary=is_primary)  # fmt: skip
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": "离任日期:不能早于任职日期"})
    full_clean_chinese(position)
    position.save()
    audit.log(actor=actor, action="kexie.position.added", obj=position, unit=organisation,
              after=audit.snapshot(position))  # fmt: skip
    return position


@transaction.atomic
def position_end(*, actor, position: Affiliation, ends_on) -> Affiliation:
    """The position ends on `ends_on` (its last day in office)."""
    require_perm(actor, EDIT)
    require_obj_in_scope(actor, position.organisation)
    if position.starts_on and ends_on < position.starts_on:
        raise ValidationError({"ends_on": "离任日期:不能早于任职日期"})
    before = audit.snapshot(position, ["ends_on"])
    position.ends_on = ends_on
    position.save(update_fields=["ends_on"])
    audit.log(actor=actor, action="kexie.position.ended", obj=position, unit=position.organisation,
              before=before, after=audit.snapshot(position, ["ends_on"]))  # fmt: skip
    return position
