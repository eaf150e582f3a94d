from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"

    def ready(self):
        from django import forms

        from . import signals  # noqa: F401 - connects the audit log to sign-in events
        from .validators import install_form_guards, reject_control_characters

        # Every text field of every form (ours, the admin's, Django's sign-in) refuses control characters with a
        # form error: PostgreSQL cannot store NUL, and Word and Excel files cannot hold the others.
        if reject_control_characters not in forms.CharField.default_validators:
            forms.CharField.default_validators = [*forms.CharField.default_validators, reject_control_characters]
        install_form_guards()
