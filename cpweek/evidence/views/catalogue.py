"""Collections and items: the list of collections, an item's page, and organisers' editing of
collections, items (with the events citing them) and vocabularies."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cpweek.auth.models import Role
from cpweek.auth.permissions import public, requires
from cpweek.evidence.errors import EvidenceError
from cpweek.evidence.forms.catalogue import CollectionForm, ItemForm, TermForm
from cpweek.evidence.models import ItemStatus, Vocabulary
from cpweek.evidence.services import catalogue, citations, fields, inclusion, vocabularies
from cpweek.evidence.views.common import bp, collection_or_404
from cpweek.forms import show_error
from cpweek.resources.services import linked as linked_resources
from cpweek.uow import discard


@bp.get("/evidence/")
@public
def collections():
    return render_template("evidence/collections.html", collections=catalogue.collections())


# --- the public item page ----------------------------------------------------------------------


@bp.get("/evidence/<slug>/items/<int:item_id>")
@public
def item(slug: str, item_id: int):
    collection = collection_or_404(slug)
    found = catalogue.item_in(collection, item_id)
    if found is None:
        abort(404)
    if not catalogue.may_see(found, current_user):
        abort(404)  # a draft or excluded item does not exist for the public
    return render_template(
        "evidence/item.html",
        collection=collection,
        edition=catalogue.edition_of(collection),
        item=found,
        preview=not catalogue.is_public(found),
        statuses=ItemStatus,
        vocabularies=[v for v in Vocabulary],
        terms=catalogue.item_terms(found),
        authors=catalogue.author_list(found),
        citation=catalogue.how_to_cite(found),
        doi_link=catalogue.doi_link(found.doi) if found.doi else None,
        related=catalogue.related_items(found),
        events=citations.events_citing(found.id),
        examples=catalogue.examples_of_use(found),
        credit=inclusion.review_credit(found),
        resources=linked_resources.for_evidence_item(found.id),
        suggest_url=url_for(
            "evidence.suggest", slug=collection.slug, kind="example_of_use", item=found.id
        ),
        can_edit=current_user.is_authenticated and current_user.has_role(Role.ORGANISER),
    )


# --- organisers: the overview and collections --------------------------------------------------


@bp.get("/manage/evidence/")
@requires(Role.ORGANISER)
def manage():
    rows = []
    for collection in catalogue.collections():
        rows.append(
            {
                "collection": collection,
                "import_url": url_for("evidence.import_items", slug=collection.slug),
                "review_url": url_for("evidence.review_queue", slug=collection.slug),
            }
        )
    return render_template(
        "evidence/manage.html",
        rows=rows,
        counts=catalogue.status_counts(),
        statuses=list(ItemStatus),
    )


def _collection_details(form: CollectionForm) -> catalogue.CollectionDetails:
    return catalogue.CollectionDetails(
        title=form.title.data or "",
        slug=(form.slug.data or "").strip(),
        theme=form.theme.data or "",
        introduction=form.introduction.data or "",
        criteria=form.criteria.data or "",
        edition_id=form.edition_id.data,
    )


@bp.route("/manage/evidence/new", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def new_collection():
    form = CollectionForm()
    form.set_editions(catalogue.edition_choices())
    if form.validate_on_submit():
        try:
            created = catalogue.create_collection(_collection_details(form), current_user)
        except EvidenceError as error:
            show_error(form, error)
        else:
            flash(f"“{created.title}” is made. Add its first items.", "success")
            return redirect(url_for("evidence.manage"))
    return render_template("evidence/collection_form.html", form=form, collection=None)


@bp.route("/manage/evidence/<slug>/edit", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def edit_collection(slug: str):
    collection = collection_or_404(slug)
    form = CollectionForm(obj=collection)
    form.set_editions(catalogue.edition_choices())
    if request.method == "GET":
        form.edition_id.data = collection.edition_id
    if form.validate_on_submit():
        try:
            catalogue.update_collection(collection, _collection_details(form), current_user)
        except EvidenceError as error:
            show_error(form, error)
        else:
            flash("Your changes are saved.", "success")
            return redirect(url_for("evidence.manage"))
    return render_template("evidence/collection_form.html", form=form, collection=collection)


# --- organisers: items -------------------------------------------------------------------------


def _item_details(form: ItemForm) -> catalogue.ItemDetails:
    year, on = fields.published_from_boxes(
        form.published_day.data or "",
        form.published_month.data or "",
        form.published_year.data or "",
    )
    return catalogue.ItemDetails(
        title=form.title.data or "",
        summary=form.summary.data or "",
        easy_read=form.easy_read.data or "",
        publisher=form.publisher.data or "",
        authors=form.authors.data or "",
        url=form.url.data or "",
        doi=form.doi.data or "",
        published_year=year,
        published_on=on,
        terms=form.chosen_terms(),
        illustrative=bool(form.illustrative.data),
        event_ids=list(form.events.data or []),
    )


def _render_item_form(form: ItemForm, collection, item=None):
    return render_template(
        "evidence/item_form.html",
        form=form,
        collection=collection,
        item=item,
        statuses=ItemStatus,
    )


@bp.route("/manage/evidence/<slug>/items/new", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def new_item(slug: str):
    collection = collection_or_404(slug)
    form = ItemForm()
    form.set_choices(vocabularies.all_terms(), citations.event_choices(collection))
    if form.validate_on_submit():
        try:
            created = catalogue.create_item(collection, _item_details(form), current_user)
        except EvidenceError as error:
            show_error(form, error)
        else:
            flash(
                "The item is saved as a draft: the panel decides whether it is included.", "success"
            )
            return redirect(url_for("evidence.item", slug=collection.slug, item_id=created.id))
    return _render_item_form(form, collection)


@bp.route("/manage/evidence/items/<int:item_id>/edit", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def edit_item(item_id: int):
    found = catalogue.get_item(item_id)
    if found is None:
        abort(404)
    collection = catalogue.collection_by_id(found.collection_id)
    form = ItemForm(obj=found if request.method == "GET" else None)
    form.set_choices(vocabularies.all_terms(), citations.event_choices(collection))
    if request.method == "GET":
        chosen = catalogue.item_term_ids(found)
        form.type.data = next(iter(chosen.get("type", [])), None)
        for vocabulary in ("topic", "dimension", "focus", "setting", "geography", "design"):
            getattr(form, vocabulary).data = chosen.get(vocabulary, [])
        form.events.data = citations.cited_event_ids(found.id)
        if found.published_on:
            form.published_day.data = str(found.published_on.day)
            form.published_month.data = str(found.published_on.month)
        form.published_year.data = str(found.published_year or "")
    if form.validate_on_submit():
        try:
            catalogue.update_item(found, _item_details(form), current_user)
        except EvidenceError as error:
            show_error(form, error)
        else:
            flash("Your changes are saved.", "success")
            return redirect(url_for("evidence.item", slug=collection.slug, item_id=found.id))
    return _render_item_form(form, collection, found)


# --- organisers: vocabularies ------------------------------------------------------------------


@bp.route("/manage/evidence/vocabularies", methods=["GET", "POST"], endpoint="vocabularies")
@requires(Role.ORGANISER)
def vocabularies_page():
    problem: dict | None = None
    if request.method == "POST":
        form = TermForm()
        if not form.validate():
            problem = {"message": "The form had expired. Please try again.", "field": None}
            discard()
        else:
            try:
                message = _act_on_terms(form)
            except EvidenceError as error:
                discard()
                problem = {
                    "message": error.message,
                    "field": error.field,
                    "action": form.action.data,
                    "vocabulary": form.vocabulary.data,
                    "term_id": form.term_id.data,
                    "label": form.label.data or "",
                    "slug": form.slug.data or "",
                    "position": form.position.data or "",
                }
                problem["anchor"] = _anchor(problem)
            else:
                flash(message, "success")
                return redirect(url_for("evidence.vocabularies"))
    return render_template(
        "evidence/vocabularies.html",
        vocabularies=list(Vocabulary),
        known=vocabularies.all_terms(),
        usage=vocabularies.term_usage(),
        problem=problem,
    )


def _anchor(problem: dict) -> str | None:
    """The id of the input a refusal belongs to, for the error summary's link."""
    field = problem["field"]
    if problem["action"] == "add":
        if problem["vocabulary"] not in {v.value for v in Vocabulary}:
            return None
        return f"add-{problem['vocabulary']}-{field if field in ('slug', 'position') else 'label'}"
    return f"{'position' if field == 'position' else 'label'}-{problem['term_id']}"


def _position(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not raw.lstrip("-").isdigit() or len(raw) > 6:
        raise vocabularies.TermInvalid("Enter the position as a whole number, like 3", "position")
    return int(raw)


def _act_on_terms(form: TermForm) -> str:
    action = form.action.data
    if action == "add":
        added = vocabularies.add_term(
            form.vocabulary.data or "",
            form.label.data or "",
            current_user,
            slug=form.slug.data or "",
            position=_position(form.position.data),
        )
        return f"“{added.label}” is added."
    raw_id = (form.term_id.data or "").strip()
    term = vocabularies.get_term(int(raw_id)) if raw_id.isdigit() and len(raw_id) < 12 else None
    if term is None:
        abort(404)
    if action == "save":
        vocabularies.change_term(
            term, form.label.data or "", _position(form.position.data), current_user
        )
        return f"“{term.label}” is saved."
    if action == "remove":
        label = term.label
        vocabularies.remove_term(term, current_user)
        return f"“{label}” is removed."
    abort(400)
