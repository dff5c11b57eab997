"""Officers are directory positions with dates (issue 15: "records the congress and the new
leadership as designations/positions with dates, so any past year's officers are known")."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from kexie.core.models import AuditEntry
from kexie.directory.models import Affiliation
from kexie.directory.services import person_create
from kexie.societies import selectors, services


def _terms(admin, society):
    chair = person_create(actor=admin, data={"name": "王会长", "birth_year": 1960, "unit": admin.unit})
    second = person_create(actor=admin, data={"name": "赵会长", "birth_year": 1970, "unit": admin.unit})
    services.term_create(actor=admin, org=society, data={"number": 1, "starts_on": dt.date(2011, 5, 1)},
                         officers=[{"person": chair, "role": "chair"}])  # fmt: skip
    services.term_create(actor=admin, org=society, data={"number": 2, "starts_on": dt.date(2016, 5, 1)},
                         officers=[{"person": second, "role": "chair"}, {"person": chair, "role": "board"}])  # fmt: skip
    return chair, second


@pytest.mark.django_db
def test_a_term_writes_positions_with_dates_and_ends_the_old_leadership(world, personas):
    admin, society = personas["city_admin"], world.orgs["society"]
    chair, second = _terms(admin, society)
    rows = sorted(
        Affiliation.objects.filter(organisation=society).values_list(
            "person__name", "role", "starts_on", "ends_on"
        )
    )
    assert rows == [
        ("王会长", "理事(委员)", dt.date(2016, 5, 1), None),
        ("王会长", "理事长(主席)", dt.date(2011, 5, 1), dt.date(2016, 4, 30)),
        ("赵会长", "理事长(主席)", dt.date(2016, 5, 1), None),
    ]
    assert not Affiliation.objects.get(person=second).is_primary
    assert AuditEntry.objects.filter(action="kexie.position.ended", unit=society).count() == 1
    assert AuditEntry.objects.filter(action="kexie.position.added", unit=society).count() == 3
    # a past year's officers come from the dates
    assert [(p.role, p.person.name) for p in selectors.officers_in(admin, society, 2013)] == [
        ("理事长(主席)", "王会长")
    ]
    assert [(p.role, p.person.name) for p in selectors.officers_in(admin, society, 2016)] == [
        ("理事长(主席)", "王会长"), ("理事长(主席)", "赵会长"), ("理事(委员)", "王会长")]  # fmt: skip
    assert selectors.officers_in(admin, society, 2010) == []
    # the term list: each term's officers are those of its own period
    (row,) = selectors.term_rows(admin, today=dt.date(2018, 1, 1))
    assert sorted((p.role, p.person.name) for p in row.officers) == [
        ("理事(委员)", "王会长"),
        ("理事长(主席)", "赵会长"),
    ]


@pytest.mark.django_db
def test_a_re_elected_chair_is_two_positions_and_three_terms_are_flagged(world, personas):
    admin, society = personas["city_admin"], world.orgs["society"]
    chair = person_create(actor=admin, data={"name": "连任会长", "birth_year": 1965, "unit": admin.unit})
    for n in (1, 2, 3):
        services.term_create(actor=admin, org=society, data={"number": n, "starts_on": dt.date(2001 + 5 * n, 1, 1)},
                             officers=[{"person": chair, "role": "chair"}])  # fmt: skip
    assert Affiliation.objects.filter(person=chair, organisation=society).count() == 3
    (row,) = selectors.term_rows(admin, today=dt.date(2018, 1, 1))
    assert row.flags.long_serving == ["连任会长"] and not row.flags.old_leaders


@pytest.mark.django_db
def test_an_officer_may_not_start_before_the_term_nor_hold_an_unknown_role(world, personas):
    from django.core.exceptions import ValidationError

    admin, society = personas["city_admin"], world.orgs["society"]
    term = services.term_create(actor=admin, org=society, data={"starts_on": dt.date(2016, 5, 1)})
    person = person_create(actor=admin, data={"name": "某人", "unit": admin.unit})
    with pytest.raises(ValidationError, match="不能早于本届开始日期"):
        services.officer_add(
            actor=admin, term=term, person=person, role="chair", starts_on=dt.date(2016, 1, 1)
        )
    with pytest.raises(ValidationError, match="职务"):
        services.officer_add(actor=admin, term=term, person=person, role="treasurer")


@pytest.mark.django_db
def test_the_person_page_the_officers_page_and_the_api(client, world, personas):
    admin, society = personas["city_admin"], world.orgs["society"]
    chair, _second = _terms(admin, society)
    client.force_login(admin)
    page = client.get(reverse("directory:person_detail", args=[chair.pk])).content.decode()
    assert "2011-05-01—2016-04-30" in page and "2016-05-01—至今" in page and "济宁市心理学会" in page
    page = client.get(reverse("societies:officers", args=[society.pk]), {"year": "2012"}).content.decode()
    assert page.count('class="officer-row"') == 1 and "王会长" in page and "赵会长" not in page
    data = client.get(f"/api/v1/societies/organisations/{society.pk}/officers", {"year": 2020}).json()
    assert [(o["role_code"], o["person"], o["ends_on"]) for o in data] == [
        ("chair", "赵会长", None),
        ("board", "王会长", None),
    ]
    # out of scope: 404 on the page and the API
    client.force_login(personas["outsider"])
    assert client.get(reverse("societies:officers", args=[society.pk])).status_code == 404
    assert (
        client.get(f"/api/v1/societies/organisations/{society.pk}/officers", {"year": 2020}).status_code
        == 404
    )


BEFORE = [("societies", "0001_initial"), ("directory", "0007_position_dates")]
LATEST = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_officers_to_positions(world, personas):
    society, person = (
        world.orgs["society"],
        person_create(
            actor=personas["city_admin"], data={"name": "老会长", "unit": personas["city_admin"].unit}
        ),
    )
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        apps = executor.loader.project_state(BEFORE).apps
        Term, Officer = apps.get_model("societies", "Term"), apps.get_model("societies", "Officer")
        term = Term.objects.create(organisation_id=society.pk, number=4, starts_on=dt.date(2010, 3, 1),
                                   ends_on=dt.date(2015, 2, 28))  # fmt: skip
        Officer.objects.create(term=term, person_id=person.pk, role="chair", starts_on=dt.date(2010, 3, 1),
                               ends_on=dt.date(2015, 2, 28))  # fmt: skip
        Officer.objects.create(term=term, person_id=person.pk, role="board", starts_on=dt.date(2010, 3, 1))
    finally:
        connection.close()
        MigrationExecutor(connection).migrate(LATEST)
    rows = sorted(
        Affiliation.objects.filter(person=person).values_list("organisation", "role", "starts_on", "ends_on")
    )
    assert rows == [
        (society.pk, "理事(委员)", dt.date(2010, 3, 1), None),
        (society.pk, "理事长(主席)", dt.date(2010, 3, 1), dt.date(2015, 2, 28)),
    ]
