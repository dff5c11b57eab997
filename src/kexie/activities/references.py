"""Which records the references of activities and campaigns may take (kexie.core.references)."""

from kexie.core.references import everyone, register


def _campaigns(user):
    from kexie.activities.models import Campaign

    return Campaign.objects.for_user(user)


register("activities.Activity.organiser", lambda u: _units(u))
register("activities.Activity.reporting_unit", lambda u: _units(u))
register(
    "activities.Activity.co_organisers",
    everyone("directory.Organisation", reason="co-organisers may be any unit of the city", is_active=True),
)
register("activities.Activity.campaign", _campaigns)
register("activities.Campaign.host_unit", lambda u: _units(u))
register("activities.Campaign.participating_units", lambda u: _units(u))


def _units(user):
    from kexie.directory.models import Organisation

    return Organisation.objects.for_user(user).filter(is_active=True)
