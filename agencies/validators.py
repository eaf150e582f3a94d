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
