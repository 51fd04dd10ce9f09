"""The import form: a CSV or RIS file to check (the confirm button is an ActionForm)."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import SubmitField

from cpweek.forms import BaseForm


class ImportForm(BaseForm):
    # The service reads the file's content; `accept` only helps the browser's file picker.
    file = FileField(
        "CSV or RIS file",
        description="A CSV file (UTF-8, with the column names below in its first row) or an RIS "
        "file exported from Zotero, EndNote or Mendeley; up to 5 MB and 5,000 rows.",
        render_kw={"accept": ".csv,.ris,.txt,text/csv,application/x-research-info-systems"},
    )
    check = SubmitField("Check the file")
