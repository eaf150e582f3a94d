from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms

from config.tabular import DateInput

from .models import ApplicabilityDecision, SourceReport


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


class OwnReportForm(forms.Form):
    """A partnership's own report, with its recommendations and findings, as its coordinator types them in."""

    kind = forms.ChoiceField(
        choices=[c for c in SourceReport.Kind.choices if c[0] != SourceReport.Kind.NATIONAL], label="Kind of report"
    )
    title = forms.CharField(max_length=300, help_text="As printed, e.g. Learning Review: Child R.")
    short_title = forms.CharField(
        max_length=80, help_text="How lists and papers name it beside a recommendation's number, e.g. LR Child R."
    )
    publisher = forms.CharField(
        max_length=300, required=False, help_text="Who wrote it. Empty: the partnership's name."
    )
    published_on = forms.DateField(widget=DateInput(), required=False, label="Published on")
    published_text = forms.CharField(
        max_length=80, required=False, label="Date as printed", help_text="E.g. March 2026."
    )
    restricted = forms.BooleanField(
        required=False,
        label="Restricted",
        help_text="Only the coordinator and the members of the agencies that own its actions read it; papers print "
        "it only when you choose it for them. Readers and other agencies' members do not see it.",
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Background")
    recommendations = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One recommendation per paragraph (leave a blank line between); they are numbered 1, 2, … in "
        "this order. *Words between asterisks* are printed in italics.",
    )
    findings = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="The report's findings, one per paragraph (leave a blank line between). Optional.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def service_fields(self):
        from .own_reports import paragraphs

        data = dict(self.cleaned_data)
        data["recommendations"] = paragraphs(data["recommendations"])
        data["findings"] = paragraphs(data["findings"])
        return data
