"""Organisation pickers that stay small with 100,000 organisations.

A `<select>` of every organisation in scope is fine for a county (a few hundred) and
unusable for a city (a 5 MB page). `OrganisationSelect` renders every choice while there
are at most `LIMIT`; beyond that it renders the chosen ones plus the associations (the units
that report most), and a search box that fetches matching organisations from
`directory:org_options` with HTMX. Validation is untouched: the field's queryset still
decides what may be chosen, so the picker can never widen a user's scope.

What a field may offer is the server's reference rule for that field
(`kexie.core.references`, e.g. "activities.Activity.co_organisers" → every active unit of the
city): the form's queryset and the search box's answers both come from it, and the search box
names the rule, never the scope.
"""

from urllib.parse import quote

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from kexie.core import references
from kexie.directory.codes import OrgKind

LIMIT = 200


def _ids(values) -> list[int]:
    return [int(v) for v in values if str(v).isdigit()]


class OrganisationSelect(forms.Select):
    """`rule`: the field's reference rule, which the search box names to the server. The search
    box belongs to no form (its `form` attribute names none), so submitting the form never
    sends it."""

    def __init__(self, attrs=None, *, rule: str):
        super().__init__(attrs)
        self.rule = rule

    def _rows(self, value) -> tuple[list, bool]:
        queryset = self.choices.queryset.all()  # a fresh clone: an evaluated queryset slices to a list
        if not queryset[LIMIT : LIMIT + 1].exists():  # a large scope's first 201 rows are not shown
            return list(queryset), False
        chosen = _ids(value)
        suggested = queryset.exclude(pk__in=chosen).filter(kind=OrgKind.ASSOCIATION)[:LIMIT]
        return list(queryset.filter(pk__in=chosen)) + list(suggested), True

    def optgroups(self, name, value, attrs=None):
        rows, self._large = self._rows(value)
        field = self.choices.field
        choices = [(obj.pk, field.label_from_instance(obj)) for obj in rows]
        if field.empty_label is not None and not self.allow_multiple_selected:
            choices.insert(0, ("", field.empty_label))
        groups, has_selected = [], False
        for index, (option_value, label) in enumerate(choices):
            selected = str(option_value) in value and (not has_selected or self.allow_multiple_selected)
            has_selected |= selected
            option = self.create_option(name, option_value, label, selected, index, attrs=attrs)
            groups.append((None, [option], index))
        return groups

    def render(self, name, value, attrs=None, renderer=None):
        select = super().render(name, value, attrs, renderer)  # sets self._large through optgroups
        if not getattr(self, "_large", False):
            return select
        select_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        query = f"name={name}&rule={quote(self.rule)}"
        if not self.allow_multiple_selected and self.choices.field.empty_label is not None:
            query += "&empty=" + quote(str(self.choices.field.empty_label))
        return format_html(
            '<input type="search" class="form-control form-control-sm mb-1 kx-org-search" '
            'name="org_q" form="kx-org-search-only" placeholder="{}" autocomplete="off" aria-controls="{}" hx-get="{}?{}" '
            'hx-trigger="input changed delay:300ms, search" hx-target="#{}" hx-include="#{}">{}',
            _("输入名称查找单位"),
            select_id,
            reverse("directory:org_options"),
            query,
            select_id,
            select_id,
            select,
        )


class OrganisationSelectMultiple(OrganisationSelect, forms.SelectMultiple):
    allow_multiple_selected = True


def use_org_picker(field: forms.ModelChoiceField, *, rule: str, user):
    """Give an organisation field the choices of its reference rule and the picker above."""
    references.bind(field, rule, user, order_by=("path",))
    multiple = isinstance(field, forms.ModelMultipleChoiceField)
    widget = (OrganisationSelectMultiple if multiple else OrganisationSelect)(
        attrs=field.widget.attrs, rule=rule
    )
    widget.choices = field.choices
    field.widget = widget
