from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms

from config.tabular import DateInput
from recommendations.models import SourceReport

from .models import PAPER_FIELDS, Meeting, Paper


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["body", "date", "title"]
        widgets = {"date": DateInput()}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Record the meeting"))


class PaperForm(forms.ModelForm):
    """The coordinator's part of a paper: the covering report, the reports it covers and its period."""

    class Meta:
        model = Paper
        fields = [*PAPER_FIELDS, "reports"]  # the layout below sets the order
        widgets = {
            "signed_on": DateInput(),
            "period_start": DateInput(),
            "as_at": DateInput(),
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "proposals": forms.Textarea(attrs={"rows": 10}),
            "recommendation": forms.Textarea(attrs={"rows": 3}),
            "reports": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["meeting"].queryset = Meeting.objects.filter(partnership=partnership)
        self.fields["reports"].queryset = SourceReport.objects.all()
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("reports", list(SourceReport.objects.values_list("pk", flat=True)))
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset("Meeting and title", "meeting", "title"),
            Fieldset("Covering report", "purpose", "proposals", "recommendation"),
            Fieldset("Signature", "prepared_by_name", "prepared_by_role", "signed_on"),
            Fieldset("What the paper covers", "reports", "period_start", "as_at"),
        )
        self.helper.add_input(Submit("submit", "Save and generate the draft"))

    def service_fields(self):
        data = dict(self.cleaned_data)
        data.pop("reports")
        return data
