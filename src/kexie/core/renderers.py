"""The form renderer: Django's, with `<select>` written in Python.

Django renders a select through a template include per option; a filter form with a few hundred
options (the organisation picker, the kinds, the campaigns) spent more time there than in the rest
of the ledger page. `_select_html` writes the same HTML as Django's templates
(`django/forms/widgets/select.html`, `select_option.html`, `attrs.html`: byte for byte, tested
against them), and only for those templates: a widget with a template of its own renders as before.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


class KexieFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if template_name == SELECT else None
        if widget is not None and _plain_options(widget):
            return _select_html(widget)
        return super().render(template_name, context, request=request)


def _plain_options(widget: dict) -> bool:
    return all(
        option.get("template_name") == OPTION for _, options, _ in widget["optgroups"] for option in options
    )


def _attrs(attrs: dict) -> str:
    return "".join(
        f" {conditional_escape(localize(name))}"
        + ("" if value is True else f'="{conditional_escape(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


def _select_html(widget: dict) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(localize(group_name))}">')
        for option in options:
            parts.append(
                f'\n  <option value="{conditional_escape(option["value"])}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(localize(option['label']))}</option>\n"  # the template file's last line end
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)
