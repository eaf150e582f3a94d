import math
from dataclasses import dataclass

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.conf import settings

from agencies.models import Agency
from config.tabular import DateInput
from recommendations.models import Recommendation, SourceReport

from .models import Action, Status
from .services import ProgressChange

ALLOWED_EVIDENCE = {
    # extension: the bytes a real file of that kind starts with
    ".pdf": (b"%PDF",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF8",),
}


def validate_evidence(upload):
    """A PDF, Word, Excel or image file of at most EVIDENCE_MAX_BYTES, whose content matches its name."""
    name = upload.name.lower()
    ext = next((e for e in ALLOWED_EVIDENCE if name.endswith(e)), None)
    if ext is None:
        raise forms.ValidationError(
            "Evidence must be a PDF, Word, Excel or image file (PDF, DOC(X), XLS(X), PNG, JPG, GIF)."
        )
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        size_mb = math.ceil(upload.size * 10 / (1024 * 1024)) / 10  # rounded up: never "10.0 MB" over a 10 MB limit
        raise forms.ValidationError(
            f"The file is {size_mb:.1f} MB; evidence files may be at most "
            f"{settings.EVIDENCE_MAX_BYTES // (1024 * 1024)} MB."
        )
    head = upload.read(8)
    upload.seek(0)
    if not any(head.startswith(magic) for magic in ALLOWED_EVIDENCE[ext]):
        raise forms.ValidationError(f"The file's content is not a real {ext[1:].upper()} file.")
    return upload


class ProgressForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=Status.choices)
    percent_complete = forms.IntegerField(
        label="% complete",
        min_value=0,
        max_value=100,
        required=False,
        help_text="A whole number from 0 to 100. Leave it empty if no % has been reported.",
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="What has happened since the last update. It is dated and signed with your name.",
    )
    evidence_file = forms.FileField(
        required=False,
        label="Evidence file",
        validators=[validate_evidence],
        help_text="Optional. PDF, Word, Excel or an image; at most 10 MB.",
    )
    evidence_link = forms.CharField(
        required=False,
        max_length=500,
        label="Evidence reference or link",
        help_text="Optional. Where the evidence is held, e.g. a document reference or an intranet link.",
    )
    due_date = forms.DateField(
        required=False,
        widget=DateInput(),
        label="Due date",
        help_text="Change it only if the date has been revised; then say why below.",
    )
    revision_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Reason for the revised date",
    )

    def __init__(self, *args, action, **kwargs):
        self.action = action
        kwargs.setdefault(
            "initial",
            {
                "version": action.version,
                "status": action.status,
                "percent_complete": action.percent_complete,
                "due_date": action.due_date,
            },
        )
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "version",
            Div(Div("status", css_class="col-md-6"), Div("percent_complete", css_class="col-md-6"), css_class="row"),
            "note",
            Fieldset("Evidence", "evidence_file", "evidence_link"),
            Fieldset("Revised date", "due_date", "revision_reason"),
        )

    def change(self):
        data = self.cleaned_data
        return ProgressChange(
            status=data["status"],
            percent_complete=data["percent_complete"],
            note=data["note"],
            due_date=data["due_date"],
            revision_reason=data["revision_reason"],
            evidence_file=data["evidence_file"],
            evidence_link=data["evidence_link"],
        )


@dataclass(frozen=True)
class RecommendationChoice:
    """One recommendation on the action form: its checkbox (``id_recommendations_<index>``), ticked, and chosen as
    primary, as the form's data or initial values say."""

    index: int
    recommendation: Recommendation
    chosen: bool
    primary: bool

    @property
    def wording(self):
        return self.recommendation.opening_words(80)


class ActionPlanForm(forms.ModelForm):
    """The coordinator's form for what an action is: owner, level, description, timescale, due date, links."""

    recommendations = forms.ModelMultipleChoiceField(
        queryset=Recommendation.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick every recommendation this action answers. The first ticked in printed order is taken as "
        "primary, unless you choose another below.",
    )
    primary = forms.ModelChoiceField(
        queryset=Recommendation.objects.none(),
        required=False,
        label="Primary recommendation",
        help_text="One of those ticked above.",
    )
    revision_reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        label="Reason for a changed due date",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Action
        fields = ["reference", "owner", "level", "description", "timescale_text", "due_date"]
        widgets = {
            "due_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "timescale_text": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"timescale_text": "Timescale (as agreed or printed)"}

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        self.instance.partnership = partnership
        self.fields["owner"].queryset = Agency.objects.filter(partnership=partnership)
        recs = (
            Recommendation.objects.filter(report__in=SourceReport.objects.for_partnership(partnership))
            .select_related("report", "theme")
            .in_printed_order()
        )
        self.fields["recommendations"].queryset = recs
        self.fields["primary"].queryset = recs
        if self.instance.pk:
            self.fields["reference"].disabled = True
            links = list(self.instance.links.all())
            self.initial.setdefault("recommendations", [link.recommendation_id for link in links])
            self.initial.setdefault("primary", next((lk.recommendation_id for lk in links if lk.is_primary), None))
            self.initial.setdefault("version", self.instance.version)
        else:
            self.fields["due_date"].help_text = "Leave empty to read it from the timescale where one can be."
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "version",
            Div(
                Div("reference", css_class="col-md-4"),
                Div("owner", css_class="col-md-4"),
                Div("level", css_class="col-md-4"),
                css_class="row",
            ),
            "description",
            "timescale_text",
            Div(Div("due_date", css_class="col-md-4"), Div("revision_reason", css_class="col-md-8"), css_class="row"),
            Field("recommendations", template="actions/_recommendation_picker.html"),
        )

    def recommendation_groups(self):
        """The recommendations to choose from, as printed: [(report, [(theme title or "", [choice, ...])])], each
        choice a RecommendationChoice. Two queries however many there are (the field's queryset, evaluated once)."""
        chosen = {str(v) for v in (self["recommendations"].value() or [])}
        primary = str(self["primary"].value() or "")
        groups = []
        for index, rec in enumerate(self.fields["recommendations"].queryset):
            if not groups or groups[-1][0] != rec.report:
                groups.append((rec.report, []))
            themes = groups[-1][1]
            theme = rec.theme.title if rec.theme else ""
            if not themes or themes[-1][0] != theme:
                themes.append((theme, []))
            pk = str(rec.pk)
            themes[-1][1].append(RecommendationChoice(index, rec, pk in chosen, pk == primary))
        return groups

    def clean(self):
        data = super().clean()
        recs = list(data.get("recommendations") or [])
        primary = data.get("primary")
        if primary and recs and primary not in recs:
            self.add_error("primary", "The primary recommendation must be one of those the action answers.")
        elif recs:
            recs.sort(key=lambda r: (r != primary, r.report_id, r.position))
            data["ordered_recommendations"] = recs
        return data
