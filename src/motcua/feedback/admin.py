"""System administrators read feedback and ratings here; changes go through the pages."""

from django.contrib import admin

from motcua.core.admin import ReadOnlyAdmin

from .models import DossierRating, Feedback, FollowUp


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    list_display = ("code", "kind", "subject", "agency", "state", "received_at", "due_at")
    list_filter = ("state", "kind", "subject", "feedback_class")
    search_fields = ("code",)


@admin.register(DossierRating)
class DossierRatingAdmin(ReadOnlyAdmin):
    list_display = ("dossier", "overall", "via_link", "created_at")


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ("dossier", "agency", "created_at", "closed_at")
