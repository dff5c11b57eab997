"""Reads of honours: lists, and a person's or a unit's honours over the years."""

from kexie.honours.models import Honour


def visible_honours(user):
    return Honour.objects.for_user(user).select_related("person", "organisation", "unit", "call")


def honours_of_person(user, person):
    return visible_honours(user).filter(person=person).order_by("-year", "-id")


def honours_of_organisation(user, organisation):
    return visible_honours(user).filter(organisation=organisation).order_by("-year", "-id")
