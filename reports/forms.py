from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms

from config.tabular import DateInput
from recommendations.models import SourceReport

from .models import PAPER_FIELDS, Meeting, Paper, PlanSettings, Section

MARKUP_HELP = (
    "Blank lines separate paragraphs. Start a paragraph with its number (2.3, i)) to number it; “### ” makes a "
    "sub-heading, “- ” a bullet; put *words* between asterisks for italics."
)


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


def _report_label(report):
    if report.restricted:
        return f"{report} (restricted: whoever reads the paper reads it)"
    return str(report)


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
            "form": forms.RadioSelect,
        }

    sections = forms.MultipleChoiceField(
        choices=Section.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Sections",
        help_text="For a paper whose sections you choose: what it prints after the covering report.",
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.partnership = partnership
        self.fields["meeting"].queryset = Meeting.objects.filter(partnership=partnership)
        reports = SourceReport.objects.for_partnership(partnership)
        self.fields["reports"].queryset = reports
        self.fields["reports"].label_from_instance = _report_label
        if not self.instance.pk and not self.is_bound:
            # a new paper starts from the words of the partnership's previous one (what the meeting is asked...)
            for name, value in Paper.objects.defaults_for(partnership).items():
                self.initial.setdefault(name, value)
            # a restricted report is printed only where the coordinator ticks it
            self.initial.setdefault("reports", list(reports.filter(restricted=False).values_list("pk", flat=True)))
        self.fields["form"].required = False  # a paper is a progress paper unless the coordinator says otherwise
        for name in ("purpose", "proposals", "recommendation"):
            self.fields[name].help_text = f"{self.fields[name].help_text} {MARKUP_HELP}"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset("Meeting and title", "meeting", "title"),
            Fieldset("Covering report", "purpose", "proposals", "recommendation"),
            Fieldset("Signature", "prepared_by_name", "prepared_by_role", "signed_on"),
            Fieldset("What the paper covers", "reports", "period_start", "as_at"),
            Fieldset("What the paper prints", "form", "sections"),
        )
        self.helper.add_input(Submit("submit", "Save and generate the draft"))

    def clean_form(self):
        return self.cleaned_data.get("form") or Paper.Form.PROGRESS

    def clean_sections(self):
        return list(self.cleaned_data.get("sections") or [])

    def service_fields(self):
        data = dict(self.cleaned_data)
        data.pop("reports")
        return data


class IssueForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have checked this paper. Issue it: it will be frozen and can no longer be changed or deleted."
    )


class PlanRecordForm(forms.Form):
    """Why the plan is archived, or reopened: kept in the partnership's history."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=250,
        label="Reason",
        error_messages={"required": "Say why: the reason is kept in the partnership's history."},
    )

    def __init__(self, *args, submit, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", submit))


class MeetingDecisionsForm(forms.Form):
    """What a meeting decided on the paper it received: for each action the paper proposed for closure, signed off
    or not (with the reason); a signed-off action reopened; any other decision as a minute."""

    OUTCOMES = [("", "No decision recorded"), ("signed_off", "Signed off"), ("not_signed_off", "Not signed off")]

    def __init__(self, *args, proposed, signed_off, recommendations, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposed = proposed
        for action in proposed:
            self.fields[f"outcome_{action.pk}"] = forms.ChoiceField(
                choices=self.OUTCOMES, required=False, widget=forms.RadioSelect, label=str(action)
            )
            self.fields[f"reason_{action.pk}"] = forms.CharField(
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                label=f"Reason, if not signed off ({action.display_reference})",
            )
        self.fields["reopen"] = forms.ModelChoiceField(
            queryset=signed_off, required=False, label="Reopen a signed-off action", empty_label="None"
        )
        self.fields["reopen_reason"] = forms.CharField(
            required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Why the meeting reopened it"
        )
        self.fields["minute"] = forms.CharField(
            required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            label="Minute",
            help_text='Any other decision, e.g. "Asked for a report on JAR 9 at the next meeting."',
        )
        self.fields["minute_action"] = forms.ModelChoiceField(
            queryset=actions, required=False, label="Concerning the action", empty_label="None"
        )
        self.fields["minute_recommendation"] = forms.ModelChoiceField(
            queryset=recommendations, required=False, label="Concerning the recommendation", empty_label="None"
        )

    def proposed_rows(self):
        """(action, its outcome field, its reason field) for each action proposed for closure."""
        return [(a, self[f"outcome_{a.pk}"], self[f"reason_{a.pk}"]) for a in self.proposed]

    def outcomes(self):
        from .sign_off import Outcome

        data = self.cleaned_data
        return [
            Outcome(action.pk, data[f"outcome_{action.pk}"] == "signed_off", data[f"reason_{action.pk}"])
            for action in self.proposed
            if data.get(f"outcome_{action.pk}")
        ]

    def service_fields(self):
        data = self.cleaned_data
        return {
            "outcomes": self.outcomes(),
            "reopen": data["reopen"],
            "reopen_reason": data["reopen_reason"],
            "minute": data["minute"],
            "minute_action": data["minute_action"],
            "minute_recommendation": data["minute_recommendation"],
        }


class PlanSettingsForm(forms.ModelForm):
    """Which actions close only when the body that owns the plan signs them off."""

    class Meta:
        model = PlanSettings
        fields = ["committee_actions_need_sign_off", "agency_actions_need_sign_off"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Save the settings"))
