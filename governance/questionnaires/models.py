from django.db import models
from django.db.models import Q


class QuestionnaireStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


class QuestionnaireQuerySet(models.QuerySet):
    def for_user(self, user):
        """The product library (no organisation) plus the user's organisations' own ones."""
        from governance.accounts.tenancy import organisation_ids

        return self.filter(
            Q(organisation__isnull=True) | Q(organisation_id__in=organisation_ids(user))
        )

    def published(self):
        return self.filter(status=QuestionnaireStatus.PUBLISHED)


class Questionnaire(models.Model):
    """One version of a questionnaire. The definition is stored whole, in canonical form,
    because a published version never changes and scoring needs it as one document."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="questionnaires",
        verbose_name="organisation",
        help_text="Empty for the product's library; set for an organisation's own import.",
    )
    key = models.SlugField(
        "key", max_length=100, help_text="Stable identifier, e.g. 'ai-vendor-core'."
    )
    version = models.CharField(
        "version", max_length=32, help_text="Semantic version, e.g. '1.2.0'."
    )
    version_order = models.JSONField(
        "version order",
        default=list,
        help_text="The version as a list of integers, for sorting.",
    )
    title = models.CharField("title", max_length=200, help_text="Display title.")
    description = models.TextField("description", blank=True, help_text="What it covers.")
    status = models.CharField(
        "status",
        max_length=12,
        choices=QuestionnaireStatus.choices,
        default=QuestionnaireStatus.DRAFT,
        help_text="Only published versions can be used for new assessments.",
    )
    content_hash = models.CharField(
        "content hash",
        max_length=64,
        help_text="SHA-256 of the canonical definition; proves the content never changed.",
    )
    definition = models.JSONField(
        "definition", help_text="The canonical definition: sections, questions, options."
    )
    question_count = models.PositiveIntegerField("questions", default=0)
    source = models.CharField(
        "source", max_length=300, blank=True, help_text="File or upload it was loaded from."
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    published_at = models.DateTimeField("published", null=True, blank=True)

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        ordering = ["key", "-created_at"]
        verbose_name = "questionnaire version"
        constraints = [
            models.UniqueConstraint(
                fields=["key", "version"],
                condition=Q(organisation__isnull=True),
                name="questionnaire_library_unique_version",
            ),
            models.UniqueConstraint(
                fields=["organisation", "key", "version"],
                condition=Q(organisation__isnull=False),
                name="questionnaire_org_unique_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.version}"
