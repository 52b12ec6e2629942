from typing import Literal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from . import definition as qdef
from .models import Questionnaire
from .services import questionnaire_export, questionnaire_publish_definition

MAX_UPLOAD_BYTES = 2 * 1024 * 1024


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Definition file",
        help_text="A questionnaire definition in YAML (.yaml, .yml) or JSON (.json).",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".yaml", ".yml", ".json")):
            raise ValidationError("Upload a .yaml, .yml or .json file.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError("The file is larger than 2 MB.")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError("The file is not UTF-8 text.") from exc
        fmt: Literal["yaml", "json"] = "json" if name.endswith(".json") else "yaml"
        try:
            return qdef.parse_definition(text, fmt=fmt, source=upload.name)
        except qdef.DefinitionInvalid as exc:
            raise ValidationError([str(error) for error in exc.errors]) from exc


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title", "key", "version", "status", "question_count", "organisation"]
    list_filter = ["status", "key"]
    search_fields = ["key", "title"]
    # A published version never changes: its content is read-only here.
    readonly_fields = [
        "organisation",
        "key",
        "version",
        "version_order",
        "title",
        "description",
        "content_hash",
        "definition",
        "question_count",
        "source",
        "published_at",
    ]
    actions = ["export_yaml", "export_json"]
    change_list_template = "admin/questionnaires/change_list.html"

    def has_add_permission(self, request):
        # Versions are created from definitions (import or load_questionnaires), never typed in.
        return False

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="questionnaires_questionnaire_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        if not self.has_change_permission(request):
            return redirect("admin:index")
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = request.FILES["file"]
            try:
                outcome = questionnaire_publish_definition(
                    data=form.cleaned_data["file"], source=upload.name
                )
            except ValidationError as exc:
                form.add_error("file", exc.messages)
            else:
                q = outcome.questionnaire
                messages.success(request, f"{q.key} {q.version}: {outcome.action}.")
                return redirect("admin:questionnaires_questionnaire_changelist")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "title": "Import a questionnaire definition",
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/questionnaires/import.html", context)

    def _export(self, queryset, fmt: Literal["yaml", "json"], content_type: str):
        if queryset.count() != 1:
            return None
        q = queryset.get()
        response = HttpResponse(questionnaire_export(q, fmt), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{q.key}-{q.version}.{fmt}"'
        return response

    @admin.action(description="Export as YAML (one questionnaire)")
    def export_yaml(self, request, queryset):
        response = self._export(queryset, "yaml", "application/yaml; charset=utf-8")
        if response is None:
            self.message_user(request, "Select exactly one questionnaire.", messages.WARNING)
        return response

    @admin.action(description="Export as JSON (one questionnaire)")
    def export_json(self, request, queryset):
        response = self._export(queryset, "json", "application/json; charset=utf-8")
        if response is None:
            self.message_user(request, "Select exactly one questionnaire.", messages.WARNING)
        return response
