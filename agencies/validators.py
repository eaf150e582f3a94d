from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

from config.middleware import CONTROL_CHARACTERS


@deconstructible
class ControlCharacterValidator:
    message = "Remove the control character (such as a NUL byte) from this text: it cannot be stored or printed."
    code = "control_character"

    def __call__(self, value):
        if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, ControlCharacterValidator)


reject_control_characters = ControlCharacterValidator()


#: The largest whole number the databases store (a 64-bit signed integer): SQLite raises OverflowError beyond it.
LARGEST_STORED_INTEGER = 2**63 - 1


def install_form_guards():
    """Numbers too large for the database answer as a form error on every form, not as a 500 on SQLite.

    An integer field refuses them through its validators; a choice of record (ModelChoiceField and its multiple
    twin) looks the key up before any validator runs, so the lookup's OverflowError becomes "not one of the
    choices"."""
    from django import forms
    from django.core.exceptions import ValidationError
    from django.core.validators import MaxValueValidator, MinValueValidator

    bounds = [MaxValueValidator(LARGEST_STORED_INTEGER), MinValueValidator(-LARGEST_STORED_INTEGER - 1)]
    if not any(isinstance(v, MaxValueValidator) for v in forms.IntegerField.default_validators):
        forms.IntegerField.default_validators = [*forms.IntegerField.default_validators, *bounds]
    if getattr(forms.ModelChoiceField.to_python, "guarded", False):
        return
    to_python, check_values = forms.ModelChoiceField.to_python, forms.ModelMultipleChoiceField._check_values

    def guarded_to_python(self, value):
        try:
            return to_python(self, value)
        except OverflowError:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None

    def guarded_check_values(self, value):
        try:
            return check_values(self, value)
        except OverflowError:
            message = self.error_messages["invalid_choice"]
            raise ValidationError(message, code="invalid_choice", params={"value": "…"}) from None

    guarded_to_python.guarded = True
    forms.ModelChoiceField.to_python = guarded_to_python
    forms.ModelMultipleChoiceField._check_values = guarded_check_values
