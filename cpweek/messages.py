"""Every message where the eyes are: flashed messages shown where the browser lands.

A form inside a longer page posts to `...#<section>` (the form macro's `section=`), and a view
may redirect to `...#<section>`. The browser then lands on that section, so what happened (the
message after a redirect, or the error summary) must sit at the top of that section, not at the
top of the page. The one pattern:

- `forms.section_top(id)` and `forms.form_start(form, action, section=id)` in
  templates/_macros/forms.html emit the element with `id`, immediately followed by the messages
  and the error summary for that section. Nothing else in a page carries such an id.
- After a redirect, messages belong to the section the browser lands on: the fragment of the
  redirect's address or, when it has none (the browser keeps the posted form's fragment), the
  section the form was posted from (the macro's hidden `_section` field). `remember_section`
  notes it beside the flashed messages; a page re-rendered after a POST uses the posted section.
- base.html renders the page's content first, then shows at the top of <main> whatever no
  section showed, so if the section is not on the page (the browser stays at the top), nothing
  is lost; and the title starts "Error: " when the page showed an error summary or an error.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, g, get_flashed_messages, request, session
from werkzeug.exceptions import HTTPException

SECTION_KEY = "_flash_section"
SECTION_FIELD = "_section"


def _posted_section() -> str | None:
    if request.method != "POST":
        return None
    try:
        return request.form.get(SECTION_FIELD) or None
    except HTTPException:  # a body that could not be read (too large): no section
        return None


def _state() -> dict:
    state = g.get("cpweek_messages")
    if state is None:
        messages = list(get_flashed_messages(with_categories=True))
        section = session.pop(SECTION_KEY, None) if messages else None
        state = {
            "messages": messages,
            # Messages flashed while this POST is answered belong to the posted section.
            "section": _posted_section() or section,
            "shown": False,
            "errors": False,
        }
        g.cpweek_messages = state
    return state


def messages_for(section: str | None = None) -> list[tuple[str, str]]:
    """The flashed messages to show here: a section's, if the browser lands on it, or with no
    section, those no section has shown (the top of the page). Each is shown once."""
    state = _state()
    if state["shown"] or not state["messages"]:
        return []
    if section is not None and section != state["section"]:
        return []
    state["shown"] = True
    if any(category == "error" for category, _ in state["messages"]):
        state["errors"] = True
    return state["messages"]


def error_shown() -> str:
    """Called by the error summary macro: the page shows an error, so its title says so."""
    _state()["errors"] = True
    return ""


def page_has_errors() -> bool:
    """Whether the page showed an error summary or a flashed error (read after the content)."""
    state = g.get("cpweek_messages")
    return bool(state and state["errors"])


def remember_section(response: Response) -> Response:
    """On a redirect with messages waiting, note which section the browser will land on."""
    if 300 <= response.status_code < 400 and session.get("_flashes"):
        section = urlsplit(response.location or "").fragment or _posted_section()
        if section:
            session[SECTION_KEY] = section
        elif request.method == "POST":
            session.pop(SECTION_KEY, None)  # posted from no section: the browser goes to the top
        # else a GET redirected without a fragment: the browser keeps the one it had
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(
        messages_for=messages_for,
        error_shown=error_shown,
        page_has_errors=page_has_errors,
        SECTION_FIELD=SECTION_FIELD,
    )
    app.after_request(remember_section)
