from django.contrib import admin

from .models import Screening, WatchlistImport


@admin.register(WatchlistImport)
class WatchlistImportAdmin(admin.ModelAdmin):
    """Lists are loaded with `manage.py load_watchlist` and never edited."""

    list_display = ["label", "file_name", "entry_count", "is_sample", "published_on", "imported_at"]
    readonly_fields = [f.name for f in WatchlistImport._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Screening)
class ScreeningAdmin(admin.ModelAdmin):
    list_display = ["vendor", "organisation", "status", "disposition", "screened_at"]
    list_filter = ["status", "disposition", "organisation"]
    readonly_fields = [f.name for f in Screening._meta.fields]

    def has_add_permission(self, request):
        return False
