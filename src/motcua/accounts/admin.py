from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import IdentityDocument, Person, User

admin.site.register(User, UserAdmin)


class IdentityDocumentInline(admin.TabularInline):
    model = IdentityDocument
    extra = 0
    can_delete = False
    fields = ("kind", "masked", "is_active", "valid_from", "valid_to", "source")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="Số (4 chữ số cuối)")
    def masked(self, obj: IdentityDocument) -> str:
        return obj.masked


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """Verified attributes change only through an e-ID login, so they are read-only here."""

    list_display = ("full_name", "assurance_level", "verified_at")
    list_filter = ("assurance_level",)
    search_fields = ("full_name",)
    inlines = (IdentityDocumentInline,)
    readonly_fields = (
        "user",
        "eid_subject",
        "assurance_level",
        "verified_at",
        "provenance",
        "masked_tax_code",
        *(name for name in Person.VERIFIED_FIELDS if name != "tax_code"),
    )
    exclude = ("tax_code",)

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description="Mã số thuế (4 chữ số cuối)")
    def masked_tax_code(self, obj: Person) -> str:
        # For individuals the tax code is the personal identification number since 2025.
        return "•" * max(len(obj.tax_code) - 4, 0) + obj.tax_code[-4:]
