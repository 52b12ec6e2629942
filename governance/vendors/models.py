from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django_countries.fields import CountryField

from governance.accounts.tenancy import TenantModel
from governance.scoring.domains import (
    BUSINESS_CRITICALITY_LEVEL,
    DATA_CATEGORY,
    EU_AI_ACT_CLASS,
    EXPOSURE_LEVEL,
    PEOPLE_AFFECTED_BAND,
)


class OwnershipType(models.TextChoices):
    PRIVATE = "private", "Private"
    LISTED = "listed", "Publicly listed"
    STATE_OWNED = "state_owned", "State-owned"
    STATE_INFLUENCED = "state_influenced", "State-influenced"


class VendorStatus(models.TextChoices):
    PROSPECT = "prospect", "Prospect"
    ACTIVE = "active", "Active"
    OFFBOARDED = "offboarded", "Offboarded"


class OfferingKind(models.TextChoices):
    HOSTED_API = "hosted_api", "Hosted API"
    CONSUMER_APP = "consumer_app", "Consumer app"
    OPEN_WEIGHTS = "open_weights", "Open-weights model"
    PLATFORM = "platform", "Platform / agent"


class Deployment(models.TextChoices):
    VENDOR_CLOUD = "vendor_cloud", "Vendor cloud"
    CUSTOMER_CLOUD = "customer_cloud", "Customer cloud"
    SELF_HOSTED = "self_hosted", "Self-hosted / on-premises"


class LicenceType(models.TextChoices):
    PROPRIETARY = "proprietary", "Proprietary"
    OPEN_WEIGHTS = "open_weights", "Open weights"


class PricingModel(models.TextChoices):
    FREE = "free", "Free"
    FREEMIUM = "freemium", "Freemium"
    SUBSCRIPTION = "subscription", "Subscription"
    USAGE_BASED = "usage_based", "Usage-based"
    OPEN_LICENCE = "open_licence", "Open licence"


# The use-case vocabularies feed the inherent-risk score, so they live with the scoring
# engine (governance/scoring/domains.py); these enums only give them to models and forms.
class DataCategory(models.TextChoices):
    PUBLIC = DATA_CATEGORY.PUBLIC
    INTERNAL = DATA_CATEGORY.INTERNAL
    CONFIDENTIAL = DATA_CATEGORY.CONFIDENTIAL
    PERSONAL = DATA_CATEGORY.PERSONAL
    SPECIAL_CATEGORY = DATA_CATEGORY.SPECIAL_CATEGORY


class Criticality(models.TextChoices):
    LOW = BUSINESS_CRITICALITY_LEVEL.LOW
    MEDIUM = BUSINESS_CRITICALITY_LEVEL.MEDIUM
    HIGH = BUSINESS_CRITICALITY_LEVEL.HIGH
    CRITICAL = BUSINESS_CRITICALITY_LEVEL.CRITICAL


class AiActClass(models.TextChoices):
    MINIMAL = EU_AI_ACT_CLASS.MINIMAL
    LIMITED = EU_AI_ACT_CLASS.LIMITED
    HIGH = EU_AI_ACT_CLASS.HIGH
    PROHIBITED = EU_AI_ACT_CLASS.PROHIBITED


class PeopleAffected(models.TextChoices):
    FEW = PEOPLE_AFFECTED_BAND.FEW
    MANY = PEOPLE_AFFECTED_BAND.MANY
    VERY_MANY = PEOPLE_AFFECTED_BAND.VERY_MANY


class Exposure(models.TextChoices):
    INTERNAL = EXPOSURE_LEVEL.INTERNAL
    CUSTOMER_FACING = EXPOSURE_LEVEL.CUSTOMER_FACING
    PUBLIC = EXPOSURE_LEVEL.PUBLIC


def validate_string_list(value, *, max_items=50, max_length=100, label="item"):
    if not isinstance(value, list):
        raise ValidationError("Enter a list.")
    if len(value) > max_items:
        raise ValidationError(f"At most {max_items} {label}s.")
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise ValidationError(f"Each {label} must be non-empty text.")
        if len(item) > max_length or "\x00" in item:
            raise ValidationError(f"Each {label} must be at most {max_length} characters.")


def validate_tags(value):
    validate_string_list(value, max_items=20, max_length=40, label="tag")


def validate_regions(value):
    validate_string_list(value, max_items=40, max_length=60, label="region")


def validate_data_categories(value):
    validate_string_list(value, max_items=len(DataCategory), max_length=40, label="category")
    unknown = sorted(set(value) - set(DataCategory.values))
    if unknown:
        raise ValidationError(
            "Unknown data categories: %(unknown)s. Choose from: %(choices)s.",
            params={"unknown": ", ".join(unknown), "choices": ", ".join(DataCategory.values)},
        )


class Vendor(TenantModel):
    name = models.CharField(
        "name", max_length=200, help_text="The name the vendor is known by, e.g. 'DeepSeek'."
    )
    legal_name = models.CharField(
        "legal name",
        max_length=300,
        blank=True,
        help_text="The contracting legal entity, e.g. 'Hangzhou DeepSeek Artificial "
        "Intelligence Co., Ltd.'.",
    )
    website = models.URLField("website", blank=True, help_text="The vendor's main website.")
    headquarters_country = CountryField(
        "headquarters country", help_text="Country of the vendor's headquarters (ISO 3166-1)."
    )
    parent_company = models.CharField(
        "ultimate parent company",
        max_length=300,
        blank=True,
        help_text="The ultimate parent or controlling owner, if any.",
    )
    parent_country = CountryField(
        "parent company country",
        blank=True,
        help_text="Country of the ultimate parent (ISO 3166-1).",
    )
    ownership_type = models.CharField(
        "ownership type",
        max_length=20,
        choices=OwnershipType.choices,
        default=OwnershipType.PRIVATE,
        help_text="Who ultimately owns or controls the vendor.",
    )
    description = models.TextField(
        "description",
        blank=True,
        max_length=10000,
        help_text="What the vendor offers and why it matters.",
    )
    status = models.CharField(
        "status",
        max_length=12,
        choices=VendorStatus.choices,
        default=VendorStatus.PROSPECT,
        help_text="Where the vendor stands in the relationship lifecycle.",
    )
    tags = models.JSONField(
        "tags",
        default=list,
        blank=True,
        validators=[validate_tags],
        help_text="Free labels, e.g. 'open-weights', 'llm'.",
    )
    is_illustrative = models.BooleanField(
        "illustrative",
        default=False,
        help_text="Demo profile built from public facts; not a verified assessment.",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "vendor"
        constraints = [
            models.UniqueConstraint(
                "organisation",
                Lower("name"),
                name="vendor_unique_name_per_organisation",
                violation_error_message="A vendor with this name already exists in your "
                "organisation.",
            )
        ]
        indexes = [models.Index(fields=["organisation", "status"], name="vendor_org_status_idx")]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    vendor = models.ForeignKey(
        Vendor,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name="vendor",
        help_text="The vendor this person works for.",
    )
    name = models.CharField("name", max_length=200, help_text="Full name.")
    email = models.EmailField("email", blank=True, help_text="Work e-mail address.")
    title = models.CharField(
        "role", max_length=200, blank=True, help_text="E.g. 'Data Protection Officer'."
    )
    phone = models.CharField("phone", max_length=50, blank=True, help_text="Work phone.")

    class Meta:
        ordering = ["name"]
        verbose_name = "vendor contact"

    def __str__(self) -> str:
        return f"{self.name} ({self.vendor})"


class Offering(models.Model):
    vendor = models.ForeignKey(
        Vendor,
        on_delete=models.CASCADE,
        related_name="offerings",
        verbose_name="vendor",
        help_text="The vendor that provides this offering.",
    )
    name = models.CharField(
        "name", max_length=200, help_text="E.g. 'Qwen3-Max API' or 'Qwen3 open weights'."
    )
    kind = models.CharField(
        "kind", max_length=16, choices=OfferingKind.choices, help_text="What is being offered."
    )
    deployment = models.CharField(
        "deployment",
        max_length=16,
        choices=Deployment.choices,
        help_text="Where the model runs when the organisation uses it.",
    )
    licence_type = models.CharField(
        "licence",
        max_length=16,
        choices=LicenceType.choices,
        default=LicenceType.PROPRIETARY,
        help_text="Proprietary service or open weights.",
    )
    licence_name = models.CharField(
        "licence name",
        max_length=100,
        blank=True,
        help_text="For open weights: e.g. 'Apache-2.0', 'MIT', 'Llama Community Licence'.",
    )
    processing_regions = models.JSONField(
        "data-processing regions",
        default=list,
        blank=True,
        validators=[validate_regions],
        help_text="Where prompts and outputs are processed or stored, e.g. 'CN', 'US', 'EU'.",
    )
    pricing_model = models.CharField(
        "pricing model",
        max_length=16,
        choices=PricingModel.choices,
        help_text="How the offering is paid for. 'Free' still has a cost: see the cost domain.",
    )
    description = models.TextField(
        "description", blank=True, max_length=10000, help_text="Notes on the offering."
    )
    created_at = models.DateTimeField("created", auto_now_add=True)

    class Meta:
        ordering = ["vendor__name", "name"]
        verbose_name = "AI offering"
        constraints = [
            models.UniqueConstraint(
                "vendor",
                Lower("name"),
                name="offering_unique_name_per_vendor",
                violation_error_message="This vendor already has an offering with this name.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.vendor.name} — {self.name}"

    def clean(self):
        if self.licence_type == LicenceType.OPEN_WEIGHTS and not self.licence_name:
            raise ValidationError(
                {"licence_name": "Name the licence of the open weights (e.g. Apache-2.0)."}
            )


class UseCase(TenantModel):
    offering = models.ForeignKey(
        Offering,
        on_delete=models.CASCADE,
        related_name="use_cases",
        verbose_name="offering",
        help_text="The offering the organisation would use.",
    )
    name = models.CharField(
        "name", max_length=200, help_text="Short name, e.g. 'Customer-support reply drafts'."
    )
    purpose = models.TextField(
        "purpose", max_length=10000, help_text="What the organisation would use it for, and how."
    )
    data_categories = models.JSONField(
        "data categories",
        default=list,
        validators=[validate_data_categories],
        help_text="Kinds of data sent to the offering: public, internal, confidential, "
        "personal, special_category.",
    )
    business_criticality = models.CharField(
        "business criticality",
        max_length=10,
        choices=Criticality.choices,
        help_text="How badly an outage or failure would hurt the business.",
    )
    eu_ai_act_class = models.CharField(
        "EU AI Act risk class",
        max_length=12,
        choices=AiActClass.choices,
        help_text="Risk class of this use under Regulation (EU) 2024/1689.",
    )
    people_affected = models.CharField(
        "people affected",
        max_length=10,
        choices=PeopleAffected.choices,
        help_text="How many people the outputs affect.",
    )
    exposure = models.CharField(
        "exposure",
        max_length=16,
        choices=Exposure.choices,
        default=Exposure.INTERNAL,
        help_text="Who sees or interacts with the outputs.",
    )
    business_owner = models.CharField(
        "business owner", max_length=200, blank=True, help_text="Who is accountable for the use."
    )
    created_at = models.DateTimeField("created", auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "use case"

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if (
            self.offering_id
            and self.organisation_id
            and self.offering.vendor.organisation_id != self.organisation_id
        ):
            raise ValidationError({"offering": "Choose an offering of your organisation."})

    def scoring_context(self) -> dict:
        """The facts that drive inherent risk, in the scoring engine's vocabulary."""
        return {
            "data_categories": sorted(self.data_categories),
            "business_criticality": self.business_criticality,
            "eu_ai_act_class": self.eu_ai_act_class,
            "people_affected": self.people_affected,
            "exposure": self.exposure,
        }
