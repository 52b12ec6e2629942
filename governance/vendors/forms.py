"""Page forms for vendor profiles. They only parse and display: the services validate and
write, and their errors are put back on the form next to the fields."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from .models import (
    Contact,
    DataCategory,
    Offering,
    UseCase,
    Vendor,
)
from .services import CONTACT_FIELDS, OFFERING_FIELDS, USE_CASE_FIELDS, VENDOR_FIELDS


class CommaListField(forms.CharField):
    """A list typed as comma-separated text (tags, regions)."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [item.strip() for item in text.split(",") if item.strip()]


def _describe(form: forms.BaseForm) -> None:
    # Django ties help text and errors to inputs (aria-describedby, aria-invalid); here
    # required fields are also announced as such.
    for field in form.fields.values():
        if field.required and not isinstance(field.widget, forms.CheckboxSelectMultiple):
            field.widget.attrs.setdefault("aria-required", "true")


class ServiceModelForm(forms.ModelForm):
    """A model form that never saves: views pass `cleaned_data` to a service."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _describe(self)

    def _post_clean(self):
        # Model validation is the service's job (it runs full_clean with the organisation
        # set); running it here too would duplicate errors or miss tenant context.
        pass

    def service_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}  # type: ignore[attr-defined]


class VendorForm(ServiceModelForm):
    website = forms.URLField(
        label="Website",
        required=False,
        assume_scheme="https",
        help_text="The vendor's main website.",
    )
    tags = CommaListField(
        required=False,
        help_text="Comma-separated labels, e.g. open-weights, llm.",
        max_length=1000,
    )

    class Meta:
        model = Vendor
        fields = VENDOR_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, blank in (
            ("headquarters_country", "Choose a country"),
            ("parent_country", "None or unknown"),
        ):
            field: Any = self.fields[name]  # a country choice field
            choices = list(field.choices)
            if choices and choices[0][0] == "":
                field.choices = [("", blank), *choices[1:]]


class OfferingForm(ServiceModelForm):
    processing_regions = CommaListField(
        label="Data-processing regions",
        required=False,
        help_text="Comma-separated, e.g. EU, US, CN.",
        max_length=1000,
    )

    class Meta:
        model = Offering
        fields = OFFERING_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class UseCaseForm(ServiceModelForm):
    data_categories = forms.MultipleChoiceField(
        label="Data categories",
        choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Every kind of data that would be sent to the offering.",
    )

    class Meta:
        model = UseCase
        fields = USE_CASE_FIELDS
        widgets = {"purpose": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, offerings=None, **kwargs):
        super().__init__(*args, **kwargs)
        offering = cast("forms.ModelChoiceField[Offering]", self.fields["offering"])
        offering.queryset = offerings if offerings is not None else Offering.objects.none()
        offering.empty_label = "Choose an offering"


class ContactForm(ServiceModelForm):
    class Meta:
        model = Contact
        fields = CONTACT_FIELDS
