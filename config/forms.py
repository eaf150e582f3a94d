"""The form renderer: Django's own, finding the project's few overrides of its widget templates first
(``templates/forms/``).

``django/forms/widgets/select.html`` is Django's, with each option written in its loop rather than through an
include of ``select_option.html`` (and of ``attrs.html`` in it) per option: the same bytes, in about a third of the
time. The action list's filter form has a select of every recommendation; its options were most of the cost of the
list's first view after a change. ``tests/test_form_renderer.py`` holds the output to Django's own.
"""

from pathlib import Path

import django.forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property


class FormRenderer(DjangoTemplates):
    @cached_property
    def engine(self):
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [
                    Path(settings.BASE_DIR) / "templates" / "forms",
                    Path(django.forms.__file__).parent / self.backend.app_dirname,
                ],
                "NAME": "djangoforms",
                "OPTIONS": {},
            }
        )
