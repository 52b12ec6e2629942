from django.contrib import admin

from .models import Contact, Offering, UseCase, Vendor


class OfferingInline(admin.StackedInline):
    model = Offering
    extra = 0


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "organisation",
        "headquarters_country",
        "ownership_type",
        "status",
        "is_illustrative",
    ]
    list_filter = ["organisation", "status", "ownership_type", "headquarters_country"]
    search_fields = ["name", "legal_name", "parent_company"]
    inlines = [OfferingInline, ContactInline]

    def has_delete_permission(self, request, obj=None):
        # The admin deletes without the service; it may not take away screenings that are
        # compliance records (see vendors.services.vendor_delete).
        from governance.screening.selectors import screenings_kept_with_vendor

        if obj is not None and screenings_kept_with_vendor(vendor_id=obj.pk).exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # The bulk delete checks no row, so it is not offered for vendors.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(Offering)
class OfferingAdmin(admin.ModelAdmin):
    list_display = ["name", "vendor", "kind", "deployment", "licence_type", "pricing_model"]
    list_filter = ["kind", "deployment", "licence_type", "pricing_model"]
    search_fields = ["name", "vendor__name"]
    autocomplete_fields = ["vendor"]


@admin.register(UseCase)
class UseCaseAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "organisation",
        "offering",
        "business_criticality",
        "eu_ai_act_class",
        "exposure",
    ]
    list_filter = ["organisation", "business_criticality", "eu_ai_act_class", "exposure"]
    search_fields = ["name", "purpose", "offering__name"]
    autocomplete_fields = ["offering"]
