from django.contrib import admin

from .models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organisation", "kind", "status", "page_count", "render_ms"]
    list_filter = ["kind", "status", "organisation"]
    readonly_fields = ["sha256", "size", "page_count", "render_ms", "error"]
