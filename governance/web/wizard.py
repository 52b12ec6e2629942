"""The questionnaire wizard shared by the assessor's pages and the vendor respondent pages:
one section at a time, saved through answers_save (plus evidence_add for attached files),
and a review of every answer with the problems that block submission.

The callers differ only in who acts (a user, or a respondent link's label), whether they may
write, and how their URLs are built, so both pass those in. A respondent sees the questions and
what the vendor side gave: never an assessor's comment, evidence file or username.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from governance.assessments import selectors, services
from governance.assessments.forms import (
    EVIDENCE_PREFIX,
    controller_values,
    errors_by_question,
    html_id,
    parse_section,
    progress,
    section_views,
    sections_of,
)
from governance.assessments.models import AssessmentStatus, by_respondent
from governance.errors import AnswersInvalid, StateConflict
from governance.scoring import validate_answers


def saved_answers(assessment, *, respondent: bool = False) -> tuple[dict, dict]:
    """The stored values and comments; for a respondent, only the vendor side's comments."""
    answers = selectors.answer_map(assessment=assessment)
    values = {k: a.value for k, a in answers.items() if a.value is not None}
    comments = {
        k: a.comment
        for k, a in answers.items()
        if not respondent or by_respondent(a.comment_by_label)
    }
    return values, comments


def _keep_unseen_comments(assessment, items: list) -> None:
    """A respondent's empty comment box for a question whose comment an assessor wrote (and
    the respondent was not shown) leaves that comment as it is."""
    unseen = {
        k
        for k, a in selectors.answer_map(assessment=assessment).items()
        if a.comment and not by_respondent(a.comment_by_label)
    }
    for item in items:
        if item["question"] in unseen and not item.get("comment"):
            item.pop("comment", None)


def section_page(
    request,
    *,
    assessment,
    section_key: str,
    actor,
    actor_label: str | None,
    can_write: bool,
    url_for,
    base_template: str,
    extra: dict | None = None,
    respondent: bool = False,
):
    """GET shows one section; POST saves it through answers_save (and evidence_add for any
    attached file) and moves on, or shows the errors next to the questions with the typed
    values kept. `url_for(name, section=None)` builds this flow's URLs. `respondent` shows
    only the vendor side's comments and evidence."""
    definition = assessment.questionnaire.definition
    sections = sections_of(definition)
    keys = [s["key"] for s in sections]
    if section_key not in keys:
        raise Http404("No such section.")
    index = keys.index(section_key)
    section = sections[index]
    saved_values, saved_comments = saved_answers(assessment, respondent=respondent)
    editable = can_write and assessment.status in AssessmentStatus.EDITABLE
    values, comments = saved_values, saved_comments
    errors: dict[str, list[str]] = {}
    general: list[str] = []

    if request.method == "POST":
        if not editable:
            # Submitted meanwhile (e.g. a vendor still has the page open): say so on the
            # read-only page rather than failing.
            messages.error(
                request,
                f"The assessment is {assessment.get_status_display().lower()}; its answers "
                "can no longer change.",
            )
            return redirect(url_for("section", section=section_key))
        items, errors, typed, typed_comments = parse_section(section, request.POST)
        if respondent:
            _keep_unseen_comments(assessment, items)
        try:
            services.answers_save(
                actor=actor, assessment=assessment, answers=items, actor_label=actor_label
            )
        except AnswersInvalid as exc:
            found, general = errors_by_question(exc.errors)
            for key, messages_ in found.items():
                errors.setdefault(key, []).extend(messages_)
        except StateConflict as exc:
            messages.error(request, str(exc))
            return redirect(url_for("section", section=section_key))
        for question in section.get("questions", []):
            upload = request.FILES.get(EVIDENCE_PREFIX + question["key"])
            if upload is None:
                continue
            try:
                services.evidence_add(
                    actor=actor,
                    assessment=assessment,
                    question_key=question["key"],
                    upload=upload,
                    actor_label=actor_label,
                )
            except ValidationError as exc:
                errors.setdefault(question["key"], []).extend(exc.messages)
            except StateConflict as exc:
                errors.setdefault(question["key"], []).append(str(exc))
        if not errors and not general:
            messages.success(request, f"“{section['title']}” saved.")
            action = request.POST.get("action", "next")
            if action == "stay":
                return redirect(url_for("section", section=section_key))
            if action == "previous" and index > 0:
                return redirect(url_for("section", section=keys[index - 1]))
            if action == "next" and index + 1 < len(keys):
                return redirect(url_for("section", section=keys[index + 1]))
            return redirect(url_for("review"))
        # Show what was typed, not what is stored, so nothing is lost.
        saved_values, saved_comments = saved_answers(assessment, respondent=respondent)
        values = {**saved_values, **{k: v for k, v in typed.items()}}
        comments = {**saved_comments, **typed_comments}

    evidence: dict[str, list] = {}
    for item in assessment.evidence.all():
        if respondent and not by_respondent(item.uploaded_by_label):
            continue
        evidence.setdefault(item.question_key, []).append(item)
    questions = section_views(
        assessment.questionnaire,
        section_key,
        values=values,
        comments=comments,
        saved_values=saved_values,
        errors=errors,
        evidence=evidence,
    )
    # Answers to controlling questions in other sections, so the browser can apply show_if
    # for questions whose controller is not on this page.
    compiled = selectors.compiled_questionnaire(assessment.questionnaire)
    outside = controller_values(compiled, section, saved_values)
    context = {
        "assessment": assessment,
        "section": section,
        "sections": sections,
        "index": index,
        "questions": questions,
        "progress": progress(assessment.questionnaire, saved_values),
        "errors": errors,
        "general_errors": general,
        "error_count": sum(1 for q in questions if q.errors),
        "editable": editable,
        "outside_values": outside,
        "previous_key": keys[index - 1] if index > 0 else None,
        "next_key": keys[index + 1] if index + 1 < len(keys) else None,
        "url_for": url_for,
        "step_urls": [(s, url_for("section", section=s["key"])) for s in sections],
        "review_url": url_for("review"),
        "base_template": base_template,
        "respondent": respondent,
        **(extra or {}),
    }
    return render(request, "assessments/section.html", context, status=400 if errors else 200)


def review_context(assessment, *, problems=None, respondent: bool = False) -> dict:
    """Every visible question with its answer, and the problems that block submission.
    `respondent` shows only the vendor side's comments."""
    definition = assessment.questionnaire.definition
    compiled = selectors.compiled_questionnaire(assessment.questionnaire)
    values, comments = saved_answers(assessment, respondent=respondent)
    if problems is None:
        problems = [
            {"question": p.question, "message": p.message}
            for p in validate_answers(compiled, values, complete=True)
        ]
    problem_map, general = errors_by_question(problems)
    shown = compiled.visible(values)
    sections = []
    for section in sections_of(definition):
        rows = [
            {
                "key": q["key"],
                "anchor": html_id(q["key"]),
                "text": q["text"],
                "required": q.get("required", True),
                "answer": compiled.answer_label(q["key"], values.get(q["key"])),
                "comment": comments.get(q["key"], ""),
                "problems": problem_map.get(q["key"], []),
            }
            for q in section.get("questions", [])
            if q["key"] in shown
        ]
        sections.append(
            {
                "key": section["key"],
                "title": section["title"],
                "rows": rows,
                "problems": sum(1 for r in rows if r["problems"]),
            }
        )
    return {
        "review_sections": sections,
        "problem_count": sum(len(v) for v in problem_map.values()) + len(general),
        "general_problems": general,
        "progress": progress(assessment.questionnaire, values),
        "answer_values": values,
    }
