from django.contrib import admin

from .models import Questionnaire


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title", "key", "version", "status", "question_count", "organisation"]
    list_filter = ["status", "key"]
    search_fields = ["key", "title"]
    # A published version never changes: its content is read-only here.
    readonly_fields = ["content_hash", "definition", "question_count", "version_order"]
