"""The project's form renderer (config.forms.FormRenderer) writes every select exactly as Django's own does: its
override of ``select.html`` only writes the options in the loop instead of including a template for each."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from actions.filters import ActionFilter
from config.forms import FormRenderer

CHOICES = [
    ("", "---------"),
    ("a", "Plain"),
    ("b", 'Quotes " and <tags> & ampersands'),
    ("Group one", [("c", "In a group"), ("d", "Also")]),
    (7, "A number"),
]


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.Select(choices=CHOICES), "b"),
        (forms.Select(choices=CHOICES, attrs={"class": "form-select", "aria-describedby": "help"}), "d"),
        (forms.Select(choices=CHOICES), None),
        (forms.Select(choices=CHOICES), 7),
        (forms.SelectMultiple(choices=CHOICES), ["a", "c"]),
        (forms.NullBooleanSelect(), True),
    ],
)
def test_a_select_is_written_byte_for_byte_as_django_writes_it(widget, value):
    assert widget.render("field", value, renderer=FormRenderer()) == widget.render(
        "field", value, renderer=DjangoTemplates()
    )


@pytest.mark.django_db
def test_the_action_lists_filter_form_is_written_as_django_writes_it(partnership, agency, recommendation):
    data = {"status": "in_progress", "owner": agency.pk, "recommendation": recommendation.pk}
    ours = ActionFilter(data, partnership=partnership, as_at=None).form
    djangos = ActionFilter(data, partnership=partnership, as_at=None).form
    djangos.renderer = DjangoTemplates()
    assert isinstance(ours.renderer or FormRenderer(), FormRenderer)
    widgets = {name: str(ours[name].as_widget()) for name in ours.fields}
    assert widgets == {name: str(djangos[name].as_widget()) for name in djangos.fields}
    assert f'<option value="{recommendation.pk}" selected>' in widgets["recommendation"]  # its options are written


def test_the_project_renders_forms_with_it(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == "config.forms.FormRenderer"
    assert isinstance(get_default_renderer(), FormRenderer)
