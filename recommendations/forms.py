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
