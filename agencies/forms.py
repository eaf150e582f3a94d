from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from . import audit, sso
from .models import Agency, Membership


class SignInForm(AuthenticationForm):
    """The password form: Django's, refusing the people of a partnership that signs in only with single sign-on
    (``Partnership.sso_only``), break-glass administrators apart (``sso.password_refused``)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Your username and password did not match. Please try again.",
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if sso.password_refused(user):
            partnership = user.membership.agency.partnership
            detail = f"{partnership.name} signs in with single sign-on only"
            refused = audit.Outcome.REFUSED
            audit.record(self.request, audit.Action.PASSWORD_REFUSED, outcome=refused, user=user, detail=detail)
            raise forms.ValidationError(
                f"{partnership.name} signs in with your organisation's account only: passwords are not used. "
                f"Choose “Sign in with {settings.OIDC_PROVIDER_NAME}”"
                + (" below." if sso.enabled() else ", which your administrator is setting up."),
                code="sso_only",
            )

    @property
    def sso_enabled(self):
        return sso.enabled()

    @property
    def sso_provider_name(self):
        return settings.OIDC_PROVIDER_NAME


class _PlainHelperMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class CodeForm(_PlainHelperMixin, forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )


class PasswordConfirmForm(_PlainHelperMixin, forms.Form):
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="To turn two-factor sign-in off, confirm it is you.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password


class _Form(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class PartnershipForm(_Form):
    name = forms.CharField(max_length=200, help_text="The local child protection area, e.g. North Ayrshire.")
    slug = forms.SlugField(max_length=80, help_text="Short name for addresses: lower case letters and hyphens.")
    committee_name = forms.CharField(max_length=200, required=False, help_text="As printed on papers.")
    coordinator_agency = forms.CharField(
        max_length=200, initial="Child Protection Co-ordinator", label="Coordinator's group or post"
    )
    coordinator_email = forms.EmailField(label="Coordinator's email", help_text="They receive an invitation link.")


class AgencyForm(_Form):
    name = forms.CharField(max_length=200)
    short_name = forms.CharField(max_length=60, help_text="How lists name it, e.g. Social Work.")
    kind = forms.ChoiceField(choices=Agency.Kind.choices, initial=Agency.Kind.AGENCY)
    email = forms.EmailField(required=False, help_text="Where reminders for this agency go, besides its members.")


class _PeopleForm(_Form):
    def __init__(self, *args, partnership, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = partnership.agencies.order_by("name")
        self.fields["role"].choices = [(role.value, role.label) for role in roles]


class InviteForm(_PeopleForm):
    email = forms.EmailField()
    agency = forms.ModelChoiceField(queryset=Agency.objects.none())
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.MEMBER)
    job_title = forms.CharField(max_length=200, required=False)


class MemberForm(_PeopleForm):
    agency = forms.ModelChoiceField(queryset=Agency.objects.none())
    role = forms.ChoiceField(choices=Membership.Role.choices)
    job_title = forms.CharField(max_length=200, required=False)


class AcceptForm(_Form):
    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    password1 = forms.CharField(
        label="Choose a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Type the password again", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        elif data.get("password1"):
            try:
                password_validation.validate_password(data["password1"])
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data
