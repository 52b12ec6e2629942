from django.contrib import admin

from .models import Answer, Assessment, Evidence, Finding, ScoreResult, ScoringPolicy


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    readonly_fields = ["question_key", "value", "comment", "updated_by_label", "updated_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "organisation",
        "vendor",
        "status",
        "decision",
        "revision",
        "next_review_date",
    ]
    list_filter = ["organisation", "status", "decision"]
    search_fields = ["title", "vendor__name"]
    # State changes go through the services (audit, scoring); the admin only reads them.
    readonly_fields = [
        "status",
        "revision",
        "previous",
        "submitted_by",
        "submitted_at",
        "scoring_started_at",
        "scored_at",
        "failure_message",
        "latest_result",
        "decision",
        "decision_conditions",
        "decision_rationale",
        "decided_by",
        "decided_at",
        "next_review_date",
    ]
    inlines = [AnswerInline]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["original_name", "assessment", "question_key", "size", "sha256"]
    search_fields = ["original_name", "sha256"]
    readonly_fields = ["sha256", "size", "content_type"]


@admin.register(ScoreResult)
class ScoreResultAdmin(admin.ModelAdmin):
    list_display = ["assessment", "rating", "overall", "policy_version", "created_at"]
    list_filter = ["rating", "organisation"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["title", "assessment", "severity", "status", "owner", "due_date"]
    list_filter = ["organisation", "severity", "status"]
    search_fields = ["title", "question_key"]


@admin.register(ScoringPolicy)
class ScoringPolicyAdmin(admin.ModelAdmin):
    list_display = ["organisation", "version", "note", "created_at"]
    list_filter = ["organisation"]
