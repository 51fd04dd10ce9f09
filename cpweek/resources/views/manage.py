"""Organisers' resource pages: the list (drafts and published, with what each still needs),
the details form (new and edit), and a resource's own page: its formats (add a link or a file,
remove, reorder) and publishing, with the reasons for a missing accessible format."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from cpweek.auth.models import Role
from cpweek.auth.permissions import requires
from cpweek.evidence.models import Vocabulary
from cpweek.evidence.services import catalogue, vocabularies
from cpweek.files import accepts_uploads, send_stored, size_in_words
from cpweek.forms import ActionForm, refuse, show_error
from cpweek.programme import services as programme
from cpweek.resources.errors import ResourceError
from cpweek.resources.forms import FileForm, LinkForm, PublishForm, ResourceForm
from cpweek.resources.models import (
    AccessNeed,
    FormatRole,
    Resource,
    ResourceFormat,
    ResourceKind,
)
from cpweek.resources.services import describing, drafting, formats, publishing
from cpweek.resources.views.common import bp
from cpweek.uow import discard


def resource_or_404(resource_id: int) -> Resource:
    found = drafting.get_resource(resource_id)
    if found is None:
        abort(404)
    return found


def _format_or_404(resource: Resource, format_id: int) -> ResourceFormat:
    found = formats.format_of(resource, format_id)
    if found is None:
        abort(404)
    return found


def _here(resource: Resource, section: str | None = None) -> str:
    return url_for("resources.manage_resource", resource_id=resource.id) + (
        f"#{section}" if section else ""
    )


# --- the list ------------------------------------------------------------------------------


@bp.get("/manage/resources/")
@requires(Role.ORGANISER)
def manage():
    """Every resource with its status, kind, year and what it still needs, in a fixed number
    of queries however many there are."""
    resources = drafting.all_resources()
    ids = [resource.id for resource in resources]
    return render_template(
        "resources/manage.html",
        resources=resources,
        missing=publishing.missing_for(resources),
        gaps=publishing.gaps_for(ids),
        years={edition.id: edition.year for edition in programme.list_editions()},
        kinds=ResourceKind,
    )


# --- the details form ----------------------------------------------------------------------


def _resource_form(resource: Resource | None = None) -> ResourceForm:
    form = ResourceForm(obj=resource if request.method == "GET" else None)
    form.set_choices(
        [(term.id, term.label) for term in vocabularies.terms(Vocabulary.TOPIC)],
        [(edition.id, f"{edition.year}: {edition.theme}") for edition in programme.list_editions()],
        programme.event_choices(),
    )
    if request.method == "GET" and resource is None:
        form.licence.data = "CC-BY-4.0"
    if request.method == "GET" and resource is not None:
        topics, events, items = drafting.linked_ids(resource)
        form.topics.data, form.events.data = sorted(topics), sorted(events)
        form.evidence.data = ", ".join(str(item) for item in items)
        form.duration.data = drafting.duration_words(resource.duration_seconds)
    return form


def _details(form: ResourceForm) -> drafting.ResourceDetails:
    licence = form.licence.data
    return drafting.ResourceDetails(
        title=form.title.data or "",
        kind=form.kind.data or "",
        summary=form.summary.data or "",
        licence="?" if licence is None else licence,  # none chosen: the service asks for one
        edition_id=form.edition_id.data,
        topic_ids=list(form.topics.data or []),
        event_ids=list(form.events.data or []),
        evidence=form.evidence.data or "",
        published_on=form.published_on.data,
        plain_summary=form.plain_summary.data or "",
        transcript=form.transcript.data or "",
        captions_by_host=bool(form.captions_by_host.data),
        duration=form.duration.data or "",
        episode=form.episode.data,
        illustrative=bool(form.illustrative.data),
    )


@bp.route("/manage/resources/new", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def new_resource():
    form = _resource_form()
    if form.validate_on_submit():
        try:
            created = drafting.create_resource(_details(form), current_user)
        except ResourceError as error:
            show_error(form, error)
        else:
            flash(f"“{created.title}” is saved as a draft. Add its files or links.", "success")
            return redirect(_here(created, "formats"))
    return render_template("resources/resource_form.html", form=form, resource=None)


@bp.route("/manage/resources/<int:resource_id>/edit", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def edit_resource(resource_id: int):
    resource = resource_or_404(resource_id)
    form = _resource_form(resource)
    if form.validate_on_submit():
        try:
            drafting.update_resource(resource, _details(form), current_user)
        except ResourceError as error:
            show_error(form, error)
        else:
            flash("Your changes are saved.", "success")
            return redirect(_here(resource))
    return render_template("resources/resource_form.html", form=form, resource=resource)


# --- a resource's own page: formats and publishing -----------------------------------------


def _resource_page(resource: Resource, **forms_given):
    """The page with every form fresh, except the one that was just refused (kept as typed,
    with its errors)."""
    forms = {
        "link_form": LinkForm(formdata=None, prefix="link"),
        "file_form": FileForm(formdata=None, prefix="file"),
        "publish_form": PublishForm(formdata=None),
        "action_form": ActionForm(formdata=None),
        **forms_given,
    }
    return render_template(
        "resources/manage_resource.html",
        resource=resource,
        formats=formats.formats_of([resource.id])[resource.id],
        missing=publishing.missing_needs(resource),
        gaps=publishing.gaps_of(resource.id),
        licence=drafting.licence_of(resource),
        duration=drafting.duration_words(resource.duration_seconds),
        linked=_linked(resource),
        kinds=ResourceKind,
        needs=AccessNeed,
        roles=FormatRole,
        size_words=size_in_words,
        type_words=describing.type_words,
        file_form_action=url_for("resources.add_file", resource_id=resource.id),
        **forms,
    )


def _linked(resource: Resource) -> dict[str, list[str]]:
    """What the resource is linked to, in words: its year, topics, events and evidence."""
    topic_ids, event_ids, item_ids = drafting.linked_ids(resource)
    edition = programme.get_edition_by_id(resource.edition_id) if resource.edition_id else None
    items = [(number, catalogue.get_item(number)) for number in item_ids]
    return {
        "Year": [f"{edition.year}: {edition.theme}"] if edition else [],
        "Topics": [t.label for t in vocabularies.terms(Vocabulary.TOPIC) if t.id in topic_ids],
        "Events": [label for i, label in programme.event_choices() if i in event_ids],
        "Evidence": [f"{number}: {item.title}" for number, item in items if item is not None],
    }


@bp.get("/manage/resources/<int:resource_id>")
@requires(Role.ORGANISER)
def manage_resource(resource_id: int):
    return _resource_page(resource_or_404(resource_id))


@bp.post("/manage/resources/<int:resource_id>/links")
@requires(Role.ORGANISER)
def add_link(resource_id: int):
    resource = resource_or_404(resource_id)
    form = LinkForm(prefix="link")
    if form.validate_on_submit():
        try:
            formats.add_link(
                resource,
                form.role.data or "",
                form.url.data or "",
                form.label.data or "",
                current_user,
            )
        except ResourceError as error:
            show_error(form, error)
        else:
            flash("The link is added.", "success")
            return redirect(_here(resource, "formats"))
    return _resource_page(resource, link_form=form)


@bp.post("/manage/resources/<int:resource_id>/files")
@accepts_uploads
@requires(Role.ORGANISER)
def add_file(resource_id: int):
    resource = resource_or_404(resource_id)
    form = FileForm(prefix="file")
    if form.validate_on_submit():
        try:
            formats.add_file(
                resource,
                form.role.data or "",
                form.file.data,
                form.label.data or "",
                current_user,
            )
        except ResourceError as error:
            show_error(form, error)
        else:
            flash("The file is added.", "success")
            return redirect(_here(resource, "formats"))
    return _resource_page(resource, file_form=form)


@bp.get("/manage/resources/<int:resource_id>/formats/<int:format_id>/file")
@requires(Role.ORGANISER)
def stored_file(resource_id: int, format_id: int):
    """A resource's stored file for organisers, draft or published: checked before publishing
    (the public address answers only for published resources). Kept by no shared cache."""
    row = _format_or_404(resource_or_404(resource_id), format_id)
    if not row.is_file:
        abort(404)
    return send_stored(
        row.storage_key,
        media_type=row.media_type,
        filename=row.filename,
        inline=describing.shown_inline(row.media_type),
        public=False,
    )


@bp.post("/manage/resources/<int:resource_id>/formats/<int:format_id>/remove")
@requires(Role.ORGANISER)
def remove_format(resource_id: int, format_id: int):
    resource = resource_or_404(resource_id)
    row = _format_or_404(resource, format_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        formats.remove_format(resource, row, current_user)
    except ResourceError as error:
        refuse(error)
    else:
        flash("The format is removed.", "success")
    return redirect(_here(resource, "formats"))


@bp.post("/manage/resources/<int:resource_id>/formats/<int:format_id>/move/<direction>")
@requires(Role.ORGANISER)
def move_format(resource_id: int, format_id: int, direction: str):
    resource = resource_or_404(resource_id)
    row = _format_or_404(resource, format_id)
    if direction not in ("up", "down"):
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    formats.move_format(resource, row, direction == "up", current_user)
    return redirect(_here(resource, "formats"))


def _reasons(form: PublishForm) -> dict[AccessNeed, publishing.GapReason]:
    reasons = {}
    for need in AccessNeed:
        reason, expected_by = form.reason_fields(need)
        reasons[need] = publishing.GapReason(reason.data or "", expected_by.data)
    return reasons


@bp.post("/manage/resources/<int:resource_id>/publish")
@requires(Role.ORGANISER)
def publish(resource_id: int):
    resource = resource_or_404(resource_id)
    form = PublishForm()
    if form.validate_on_submit():
        try:
            publishing.publish(
                resource,
                current_user,
                reasons=_reasons(form),
                published_on=form.published_on.data,
            )
        except publishing.NeedsReason as error:
            discard()
            form.form_errors.append(error.message)
            for need in error.missing:
                reason, _ = form.reason_fields(need)
                reason.errors = [f"Say why there is no {need.label.lower()} yet"]
        except ResourceError as error:
            show_error(form, error)
        else:
            flash(f"“{resource.title}” is published.", "success")
            return redirect(_here(resource, "publishing"))
    return _resource_page(resource, publish_form=form)


@bp.post("/manage/resources/<int:resource_id>/unpublish")
@requires(Role.ORGANISER)
def unpublish(resource_id: int):
    resource = resource_or_404(resource_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        publishing.unpublish(resource, current_user)
    except ResourceError as error:
        refuse(error)
    else:
        flash(f"“{resource.title}” is a draft again: the public cannot see it.", "success")
    return redirect(_here(resource, "publishing"))
