"""Two-factor sign-in with django-otp: a TOTP app, and single-use recovery codes (django-otp's static device)."""

from django.conf import settings
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .access import is_coordinator

RECOVERY_CODE_COUNT = 10


def must_use_two_factor(user):
    """Coordinators and administrators must, when OTP_REQUIRED_FOR_COORDINATORS is on; anyone else may."""
    return settings.OTP_REQUIRED_FOR_COORDINATORS and (user.is_staff or user.is_superuser or is_coordinator(user))


#: Set at sign-in: whether this session must give a code, so that no page asks the database again.
SESSION_NEEDS_CODE = "two_factor_needed"


def needs_verification(request):
    """True when a signed-in user must still give a code (or set up two-factor) before any other page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_verified():
        return False
    needed = request.session.get(SESSION_NEEDS_CODE)
    if needed is None:  # a session from before two-factor existed
        needed = request.session[SESSION_NEEDS_CODE] = has_two_factor(user) or must_use_two_factor(user)
    return needed


def has_two_factor(user):
    return user_has_device(user, confirmed=True)


def unconfirmed_totp_device(user):
    """The TOTP device being set up (made once, shown as a QR code until a first code confirms it)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)


def new_recovery_codes(user):
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones and return them (shown once)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def remove_two_factor(user):
    for device in devices_for_user(user, confirmed=None):
        device.delete()


def verify(user, token):
    """The device that accepts this code (TOTP or an unused recovery code, which is then used up), or None."""
    token = "".join(str(token).split())
    for device in devices_for_user(user, confirmed=True):
        if device.verify_token(token):
            return device
    return None
