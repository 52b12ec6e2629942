from django.contrib import admin

from .models import RespondentLink


@admin.register(RespondentLink)
class RespondentLinkAdmin(admin.ModelAdmin):
    list_display = ["contact_name", "assessment", "organisation", "expires_at", "revoked_at"]
    list_filter = ["organisation"]
    # The hash is useless to a person and the token is never stored.
    exclude = ["token_hash"]
    readonly_fields = ["assessment", "organisation", "created_by", "last_used_at"]
