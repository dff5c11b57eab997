"""kexie's form renderer writes <select> in Python: the HTML must be Django's, byte for byte."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from kexie.core.renderers import KexieFormRenderer


class Sample(forms.Form):
    plain = forms.ChoiceField(choices=[("", "全部"), ("a", "甲"), ("b&c", 'B <"c">'), (3, 3)], required=False)
    grouped = forms.ChoiceField(
        choices=[("科普", [("x", "讲座"), ("y", mark_safe("<b>展览</b>"))]), ("z", "其他")],
        required=False,
    )
    many = forms.MultipleChoiceField(choices=[("1", "一"), ("2", "二"), ("3", "三")], required=False)
    flag = forms.NullBooleanField(required=False)
    attrs = forms.ChoiceField(
        choices=[("1", "一")],
        widget=forms.Select(
            attrs={"class": "form-select", "disabled": True, "hidden": False, "data-x": '"q"'}
        ),
    )


@pytest.mark.parametrize(
    "data",
    [{}, {"plain": "b&c", "grouped": "y", "many": ["1", "3"], "flag": "true", "attrs": "1"}, {"plain": "3"}],
)
def test_selects_render_exactly_as_django_templates(data):
    for name in Sample.base_fields:
        ours = Sample(data or None, renderer=KexieFormRenderer())[name].as_widget()
        django = Sample(data or None, renderer=DjangoTemplates())[name].as_widget()
        assert ours == django, name


def test_the_ledger_filter_renders_as_with_django_templates(db, personas, rf):
    from kexie.activities.forms import LedgerFilter

    actor = personas["city_admin"]
    ours = LedgerFilter({"status": "approved"}, actor=actor, renderer=KexieFormRenderer())
    django = LedgerFilter({"status": "approved"}, actor=actor, renderer=DjangoTemplates())
    for name in ours.fields:
        assert ours[name].as_widget() == django[name].as_widget(), name


def test_the_site_uses_it(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "kexie.core.renderers.KexieFormRenderer"
    assert isinstance(get_default_renderer(), KexieFormRenderer)
