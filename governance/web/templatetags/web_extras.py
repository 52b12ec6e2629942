"""Template helpers for the pages: audit actions in words, and risk formatting."""

from django import template

register = template.Library()

VERBS = {
    "create": "created",
    "update": "updated",
    "delete": "deleted",
    "submit": "submitted",
    "answers": "answered questions in",
    "decide": "decided",
    "reopen": "reopened",
    "retry": "retried scoring of",
    "revoke": "revoked",
    "add": "added",
    "score": "scored",
    "request": "requested",
    "screen": "screened",
    "dispose": "recorded a verdict on",
}


@register.filter
def action_words(action: str) -> str:
    """'vendor.create' → 'created vendor'; unknown actions are shown as they are."""
    noun, _, verb = (action or "").partition(".")
    words = VERBS.get(verb)
    if not words:
        return action
    return f"{words} {noun.replace('_', ' ')}"


@register.filter
def words(key) -> str:
    """'approve_with_conditions' → 'approve with conditions'."""
    return str(key or "").replace("_", " ")


@register.filter
def ago(moment) -> str:
    """'just now' for the last minute, else '3 hours ago'."""
    from django.utils import timezone
    from django.utils.timesince import timesince

    if moment is None:
        return ""
    if (timezone.now() - moment).total_seconds() < 60:
        return "just now"
    return f"{timesince(moment)} ago"
