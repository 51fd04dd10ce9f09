"""Suggestions: the public form (anyone, signed in or not; rate limited, with a honeypot and
no CAPTCHA) and moderation by co-producers and organisers."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cpweek.auth.permissions import public, requires
from cpweek.errors import DomainError
from cpweek.evidence.forms.suggestions import (
    AcceptEvidenceForm,
    AcceptExampleForm,
    DeclineForm,
    MergeForm,
    NoteForm,
    SuggestionForm,
)
from cpweek.evidence.models import (
    SuggestionKind,
    SuggestionStatus,
    Vocabulary,
)
from cpweek.evidence.services import catalogue, suggestions
from cpweek.evidence.services.inclusion import MAX_ID
from cpweek.evidence.views.common import bp, collection_or_404
from cpweek.extensions import limiter
from cpweek.forms import show_error
from cpweek.perspectives import DECIDERS
from cpweek.uow import discard

# Which fields each kind asks for, and the words of their labels.
FIELDS = {
    SuggestionKind.NEW_EVIDENCE: [
        ("title", "Title of the evidence"),
        ("link", "Link or DOI"),
        ("text", "Why it matters (optional)"),
    ],
    SuggestionKind.GAP: [("text", "What is missing (optional)")],
    SuggestionKind.EXAMPLE_OF_USE: [
        ("title", "Where it was used (organisation or place, optional)"),
        ("text", "How it was used"),
        ("link", "Link to read more (optional)"),
    ],
    SuggestionKind.FEEDBACK: [("text", "Your feedback")],
}


def _whole_number(value: str | None) -> int | None:
    """A small positive whole number from a URL or hidden field, else None (never a huge one
    that the database would refuse)."""
    value = (value or "").strip()
    if not value.isdigit() or len(value) > 10:
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def _suggestion_limit() -> str:
    return current_app.config["SUGGESTION_LIMIT_PER_ADDRESS"]


@bp.route("/evidence/<slug>/suggest", methods=["GET", "POST"])
@public
@limiter.limit(_suggestion_limit, methods=["POST"], scope="evidence-suggestion")
def suggest(slug: str):
    collection = collection_or_404(slug)
    form = SuggestionForm()
    raw_kind = form.kind.data if request.method == "POST" else request.args.get("kind", "")
    if raw_kind not in SuggestionKind._value2member_map_:
        if request.method == "POST":
            abort(400)
        return render_template(
            "evidence/suggest_choose.html",
            collection=collection,
            SuggestionKind=SuggestionKind,
            args=_carry(request.args),
        )
    kind = SuggestionKind(raw_kind)
    topics = suggestions.term_choices(Vocabulary.TOPIC)
    dimensions = suggestions.term_choices(Vocabulary.DIMENSION)
    form.topic.choices = [("", "Any topic")] + [(t.slug, t.label) for t in topics]
    form.dimension.choices = [("", "Any dimension")] + [(t.slug, t.label) for t in dimensions]
    for name, label in FIELDS[kind]:
        form[name].label.text = label
    if request.method == "GET":
        form.kind.data = kind.value
        topic = suggestions.term_by_slug(Vocabulary.TOPIC, request.args.get("topic"))
        dimension = suggestions.term_by_slug(Vocabulary.DIMENSION, request.args.get("dimension"))
        form.topic.data = topic.slug if topic else ""
        form.dimension.data = dimension.slug if dimension else ""
        item_id = _whole_number(request.args.get("item"))
        form.item_id.data = str(item_id) if item_id else ""
    item = suggestions.included_item(collection, _whole_number(form.item_id.data))
    if request.method == "POST":
        if (form.website.data or "").strip():
            # A bot filled the honeypot: the same thank-you page, and nothing is kept.
            discard()
            return render_template(
                "evidence/suggest_thanks.html", collection=collection, kind=kind, email=""
            )
        if form.validate_on_submit():
            details = suggestions.SuggestionDetails(
                kind=kind.value,
                title=form.title.data or "",
                text=form.text.data or "",
                link=form.link.data or "",
                topic_slug=form.topic.data or "",
                dimension_slug=form.dimension.data or "",
                item_id=item.id if item else None,
                evidence=form.evidence.data or "",
                name=form.name.data or "",
                email=getattr(form.email, "normalised", ""),
            )
            by = current_user if current_user.is_authenticated else None
            try:
                suggestions.submit(collection, details, by)
            except DomainError as error:
                show_error(form, error)
            else:
                return render_template(
                    "evidence/suggest_thanks.html",
                    collection=collection,
                    kind=kind,
                    email=details.email,
                )
    labels = {t.slug: t.label for t in (*topics, *dimensions)}
    pointing = [labels[s] for s in (form.topic.data, form.dimension.data) if s in labels]
    return render_template(
        "evidence/suggest.html",
        collection=collection,
        form=form,
        kind=kind,
        fields=[name for name, _ in FIELDS[kind]],
        item=item,
        pointing=pointing,
        SuggestionKind=SuggestionKind,
    )


def _carry(args) -> dict:
    """The cell or item a chooser page passes on to the kind chosen."""
    return {key: args.get(key)[:80] for key in ("topic", "dimension", "item") if args.get(key)}


# --- moderation -----------------------------------------------------------------------------


def _suggestion_or_404(suggestion_id: int):
    found = suggestions.get(suggestion_id)
    if found is None:
        abort(404)
    return found


def _accept_form(suggestion, formdata=None):
    """The accepting form for the suggestion's kind, pre-filled from it."""
    kind = SuggestionKind(suggestion.kind)
    if kind == SuggestionKind.NEW_EVIDENCE:
        form = AcceptEvidenceForm(formdata=formdata)
        if formdata is None:
            form.title.data = suggestion.title
            form.summary.data = suggestion.text
            form.link.data = suggestion.link
        return form
    if kind == SuggestionKind.EXAMPLE_OF_USE:
        form = AcceptExampleForm(formdata=formdata)
        if formdata is None:
            form.item_id.data = suggestion.item_id
            form.organisation.data = suggestion.title
            form.text.data = suggestion.text
            form.link.data = suggestion.link
        return form
    return NoteForm(formdata=formdata)


def _moderation_page(suggestion, accept_form=None, decline_form=None, merge_form=None):
    merge_form = merge_form or MergeForm(formdata=None)
    merge_form.into.choices = _merge_choices(suggestion)
    collection = catalogue.collection_by_id(suggestion.collection_id)
    return render_template(
        "evidence/suggestion.html",
        suggestion=suggestion,
        collection=collection,
        terms=suggestions.terms_named(suggestion),
        item=suggestions.included_item(collection, suggestion.item_id),
        accept_form=accept_form or _accept_form(suggestion),
        decline_form=decline_form or DeclineForm(formdata=None),
        merge_form=merge_form,
        SuggestionKind=SuggestionKind,
        SuggestionStatus=SuggestionStatus,
    )


def _merge_choices(suggestion) -> list[tuple[int, str]]:
    return [
        (
            other.id,
            f"#{other.id}: {SuggestionKind(other.kind).label} – {(other.title or other.text)[:80]}",
        )
        for other in suggestions.merge_choices(suggestion)
    ]


@bp.get("/review/evidence/suggestions/<int:suggestion_id>")
@requires(*DECIDERS)
def suggestion(suggestion_id: int):
    return _moderation_page(_suggestion_or_404(suggestion_id))


def _done(suggestion, message: str):
    flash(message, "success")
    collection = catalogue.collection_by_id(suggestion.collection_id)
    return redirect(url_for("evidence.review_queue", slug=collection.slug) + "#suggestions")


@bp.post("/review/evidence/suggestions/<int:suggestion_id>/accept")
@requires(*DECIDERS)
def accept_suggestion(suggestion_id: int):
    found = _suggestion_or_404(suggestion_id)
    form = _accept_form(found, formdata=request.form)
    if form.validate_on_submit():
        try:
            if isinstance(form, AcceptEvidenceForm):
                item = suggestions.accept_as_item(
                    found,
                    suggestions.DraftDetails(
                        title=form.title.data or "",
                        summary=form.summary.data or "",
                        link=form.link.data or "",
                        published_year=form.published_year.data,
                    ),
                    current_user,
                )
            elif isinstance(form, AcceptExampleForm):
                suggestions.accept_example(
                    found,
                    suggestions.ExampleDetails(
                        item_id=form.item_id.data,
                        text=form.text.data or "",
                        organisation=form.organisation.data or "",
                        link=form.link.data or "",
                    ),
                    current_user,
                )
            else:
                suggestions.note(found, form.reply.data or "", current_user)
        except DomainError as error:
            show_error(form, error)
        else:
            if isinstance(form, AcceptEvidenceForm):
                flash("Accepted: a draft item now waits for the panel's decision.", "success")
                return redirect(url_for("evidence.review_item", item_id=item.id))
            return _done(found, "Accepted." + (" The suggester is emailed." if found.email else ""))
    return _moderation_page(found, accept_form=form)


@bp.post("/review/evidence/suggestions/<int:suggestion_id>/decline")
@requires(*DECIDERS)
def decline_suggestion(suggestion_id: int):
    found = _suggestion_or_404(suggestion_id)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            suggestions.decline(found, form.reason.data or "", current_user)
        except DomainError as error:
            show_error(form, error)
        else:
            return _done(found, "Declined." + (" The suggester is emailed." if found.email else ""))
    return _moderation_page(found, decline_form=form)


@bp.post("/review/evidence/suggestions/<int:suggestion_id>/merge")
@requires(*DECIDERS)
def merge_suggestion(suggestion_id: int):
    found = _suggestion_or_404(suggestion_id)
    form = MergeForm()
    form.into.choices = _merge_choices(found)
    if form.validate_on_submit():
        try:
            into = suggestions.merge(found, form.into.data, current_user)
        except DomainError as error:
            show_error(form, error)
        else:
            return _done(found, f"Merged into suggestion #{into.id}.")
    return _moderation_page(found, merge_form=form)
