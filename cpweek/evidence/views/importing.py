"""Importing items into a collection: upload a CSV or RIS file, read its report (the dry run),
then confirm. Organisers only."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from cpweek.auth.models import Role
from cpweek.auth.permissions import requires
from cpweek.csvfiles import csv_download
from cpweek.errors import DomainError
from cpweek.evidence.forms.importing import ImportForm
from cpweek.evidence.services import importing, vocabularies
from cpweek.evidence.views.common import bp, collection_or_404
from cpweek.forms import ActionForm, refuse, show_error


@bp.route("/manage/evidence/<slug>/import", methods=["GET", "POST"])
@requires(Role.ORGANISER)
def import_items(slug: str):
    collection = collection_or_404(slug)
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            if not upload or not getattr(upload, "filename", ""):
                raise importing.ImportRefused("Choose a CSV or RIS file to check")
            # One byte more than allowed, so "too big" is told without reading everything.
            data = upload.read(importing.MAX_BYTES + 1)
            batch = importing.check_file(collection, upload.filename, data, current_user)
        except DomainError as error:
            show_error(form, error)
        else:
            return redirect(url_for("evidence.import_batch", slug=slug, batch_id=batch.id))
    return render_template(
        "evidence/import.html",
        collection=collection,
        form=form,
        columns=importing.COLUMNS,
        vocabulary_columns=importing.VOCABULARY_COLUMNS,
        terms=vocabularies.all_terms(),
        batches=importing.recent_batches(collection),
        max_rows=importing.MAX_ROWS,
    )


@bp.get("/manage/evidence/<slug>/import/<int:batch_id>")
@requires(Role.ORGANISER)
def import_batch(slug: str, batch_id: int):
    collection = collection_or_404(slug)
    batch = importing.batch_of(collection, batch_id)
    if batch is None:
        abort(404)
    return render_template(
        "evidence/import_report.html",
        collection=collection,
        batch=batch,
        report=batch.report or {},
        form=ActionForm(),
    )


@bp.post("/manage/evidence/<slug>/import/<int:batch_id>/confirm")
@requires(Role.ORGANISER)
def confirm_import(slug: str, batch_id: int):
    collection = collection_or_404(slug)
    batch = importing.batch_of(collection, batch_id)
    if batch is None:
        abort(404)
    if ActionForm().validate_on_submit():  # CSRFProtect has refused a bad token already
        try:
            count = importing.confirm_import(batch, current_user)
        except DomainError as error:
            refuse(error)
        else:
            flash(
                f"{count} {'item' if count == 1 else 'items'} imported as drafts: they appear "
                "publicly once the hub's panel includes them.",
                "success",
            )
    return redirect(url_for("evidence.import_batch", slug=slug, batch_id=batch.id))


@bp.get("/manage/evidence/import-template.csv")
@requires(Role.ORGANISER)
def import_template():
    return csv_download(importing.template_csv(), "evidence-import-template.csv")
