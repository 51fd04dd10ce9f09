"""Error pages are helpful pages, never a stack trace."""

from __future__ import annotations

from cpweek import create_app
from cpweek.auth.permissions import public


def test_an_unexpected_failure_shows_the_friendly_500_page(base_config):
    app = create_app({**base_config, "TESTING": False})

    @app.route("/_boom")
    @public
    def boom():
        raise RuntimeError("a bug")

    response = app.test_client().get("/_boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, something went wrong on our side" in page and "nothing was saved" in page
    assert "RuntimeError" not in page and "Traceback" not in page


def test_not_found_and_method_not_allowed(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "check it is correct" in response.get_data(as_text=True)
    response = client.delete("/")
    assert response.status_code == 405
    assert "That is not something this page can do" in response.get_data(as_text=True)


def test_too_large_a_request_is_refused_clearly(client, app):
    response = client.post(
        "/sign-in", data={"email": "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)}
    )
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "That upload is too large" in page and "Receipts can be up to 5 MB" in page
