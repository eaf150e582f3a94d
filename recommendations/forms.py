from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms

from config.tabular import DateInput

from .models import ApplicabilityDecision


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=ApplicabilityDecision.Decision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Required unless the recommendation is still under consideration.",
    )
    decided_on = forms.DateField(
        widget=DateInput(), label="Decided on", help_text="The date of the committee's decision."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("decision", "reason", "decided_on")

    def clean(self):
        data = super().clean()
        if (
            data.get("decision")
            and data["decision"] != ApplicabilityDecision.Decision.UNDER_CONSIDERATION
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", "Give the reason for the decision.")
        return data


class LoadUploadForm(forms.Form):
    file = forms.FileField(
        label="Report file",
        help_text="The filled-in template (.xlsx) or a JSON fixture (.json); at most 5 MB.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_file(self):
        from .loading import MAX_FILE_BYTES

        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith((".xlsx", ".json")):
            raise forms.ValidationError("Upload the filled-in template (.xlsx) or a JSON fixture (.json).")
        if not upload.size:
            raise forms.ValidationError("The file is empty.")
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
        return upload
