"""One unit of work per request or command.

Services add, change and flush, and raise a `DomainError` when they refuse; they never commit.
The request commits once, after the view has answered without an error; a refused action, an
error page or an exception rolls the whole request back, so an operation that spans domains
happens whole or not at all. Mail is written to the outbox in the same transaction, so it leaves
(through the worker) only when the change it tells about was committed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, Response, g

from cpweek.extensions import db


def discard() -> None:
    """Roll this request back at its end, whatever the answer (a view that refused an action
    and shows the form again calls this, through `show_error`)."""
    g.cpweek_discard = True


def init_app(app: Flask) -> None:
    @app.after_request
    def end_unit_of_work(response: Response) -> Response:
        # After the page was rendered, so templates never meet expired objects. A failing
        # commit raises here, and the request answers with the error page instead.
        if g.pop("cpweek_discard", False) or response.status_code >= 400:
            db.session.rollback()
        else:
            db.session.commit()
        return response


@contextmanager
def unit_of_work() -> Iterator[None]:
    """For commands, workers and threads: commit if the block finishes, else roll back."""
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
