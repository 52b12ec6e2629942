from django import forms

from .models import Disposition


class DispositionForm(forms.Form):
    disposition = forms.ChoiceField(
        label="Verdict",
        choices=[c for c in Disposition.choices if c[0]],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Why",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you checked (addresses, ownership, dates). Kept in the audit trail.",
    )
