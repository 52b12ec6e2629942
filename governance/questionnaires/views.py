"""Read-only browser of the questionnaire library: every version visible to the user's
organisation, with sections, questions, options, risk points, knock-outs and references."""

from __future__ import annotations

from django.db.models import Q
from django.shortcuts import render

from governance.scoring.domains import REFERENCE_FRAMEWORK
from governance.web.access import get_or_404, page
from governance.web.requests import MemberRequest

from .models import Questionnaire


def _visible(request: MemberRequest):
    # The web pages work in the active organisation: the library plus its own imports.
    return Questionnaire.objects.for_user(request.user).filter(
        Q(organisation__isnull=True) | Q(organisation_id=request.organisation_id)
    )


@page()
def questionnaire_list(request: MemberRequest):
    versions = _visible(request).order_by("key", "-created_at")
    groups: dict[str, dict] = {}
    for q in versions:
        group = groups.setdefault(q.key, {"key": q.key, "title": q.title, "versions": []})
        group["versions"].append(q)
    for group in groups.values():
        group["versions"].sort(key=lambda q: q.version_order or [], reverse=True)
        group["title"] = group["versions"][0].title
        group["latest"] = group["versions"][0]
    return render(
        request,
        "questionnaires/list.html",
        {"groups": sorted(groups.values(), key=lambda g: g["title"])},
    )


def references_of(question: dict) -> list[tuple[str, list[str]]]:
    refs = question.get("references") or {}
    return [
        (REFERENCE_FRAMEWORK.labels.get(name, name), items) for name, items in refs.items() if items
    ]


@page()
def questionnaire_detail(request: MemberRequest, pk):
    questionnaire = get_or_404(lambda **kw: _visible(request).get(**kw), pk=pk)
    definition = questionnaire.definition or {}
    titles = {}
    sections = []
    for section in definition.get("sections", []):
        questions = []
        for question in section.get("questions", []):
            titles[question["key"]] = question["text"]
            show_if = question.get("show_if")
            screening = question.get("screening") or {}
            labels = {o["key"]: o.get("label", o["key"]) for o in question.get("options") or ()}
            questions.append(
                {
                    **question,
                    "reference_list": references_of(question),
                    "show_if_text": titles.get(show_if["question"], show_if["question"])
                    if show_if
                    else None,
                    "no_match_labels": [labels.get(k, k) for k in screening.get("no_match", ())],
                }
            )
        sections.append({**section, "questions": questions})
    return render(
        request,
        "questionnaires/detail.html",
        {"questionnaire": questionnaire, "sections": sections},
    )
