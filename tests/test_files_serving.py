"""Stored files served (cpweek/files/serving.py): their real type, disposition, nosniff,
ranges, 304; and whole requests: an upload through a form, a refused one, a 2 GB one."""

from __future__ import annotations

import io

import pytest
from flask import request

from cpweek import create_app
from cpweek.auth.permissions import public
from cpweek.extensions import csrf, db
from cpweek.files import (
    FileKind,
    UploadRefused,
    accepts_uploads,
    samples,
    send_stored,
    store_bytes,
    store_upload,
    stored_size,
)
from cpweek.files.backend import storage

ALL = set(FileKind)
D, C, A = FileKind.DOCUMENT, FileKind.CAPTIONS, FileKind.AUDIO
VTT = samples.webvtt([(1, 3, "Hello and welcome."), (3.5, 5, "Thanks.")])


# --- serving, through a throwaway app with two routes ------------------------------------------


@pytest.fixture(scope="module")
def files_app(base_config):
    application = create_app(base_config)

    @application.get("/_test/files/<path:key>")
    @public
    def download(key):
        return send_stored(
            key,
            media_type=request.args["type"],
            filename=request.args["name"],
            inline="inline" in request.args,
            public="private" not in request.args,
        )

    @application.post("/_test/upload")
    @csrf.exempt
    @accepts_uploads
    @public
    def upload():
        try:
            stored = store_upload(request.files.get("file"), {D, A}, folder="tests/upload")
        except UploadRefused as refused:
            db.session.rollback()
            return refused.message, 400
        return stored.key

    return application


@pytest.fixture
def files_client(files_app):
    return files_app.test_client()


AUDIO = bytes(range(256)) * 4  # 1,024 bytes, each position telling where it is


@pytest.fixture
def audio_url():
    stored = store_bytes(samples.mp3(0.2), "Épisode 1.mp3", ALL, folder="t/serve")
    storage().path(stored.key).write_bytes(AUDIO)  # so each byte tells where it came from
    db.session.commit()
    return f"/_test/files/{stored.key}?type=audio/mpeg&name=%C3%89pisode%201.mp3"


def test_send_stored_headers(files_client, audio_url):
    response = files_client.get(audio_url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "audio/mpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["Content-Length"] == "1024"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    assert "filename*=UTF-8''%C3%89pisode%201.mp3" in disposition
    assert response.headers["ETag"] and response.headers["Last-Modified"]
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert response.data == AUDIO
    inline = files_client.get(audio_url + "&inline&private")
    assert inline.headers["Content-Disposition"].startswith("inline;")
    assert (
        "private" in inline.headers["Cache-Control"]
        and "public" not in inline.headers["Cache-Control"]
    )


def test_text_is_served_with_its_charset(files_client):
    stored = store_bytes(VTT, "c.vtt", {C}, folder="t/serve")
    db.session.commit()
    response = files_client.get(f"/_test/files/{stored.key}?type=text/vtt&name=c.vtt")
    assert response.headers["Content-Type"] == "text/vtt; charset=utf-8"
    assert response.headers["Content-Disposition"] == "attachment; filename=c.vtt"


@pytest.mark.parametrize(
    ("asked", "start", "end"),
    [("bytes=0-99", 0, 99), ("bytes=-100", 924, 1023), ("bytes=100-", 100, 1023),
     ("bytes=1000-5000", 1000, 1023)],
)  # fmt: skip
def test_range_requests(files_client, audio_url, asked, start, end):
    response = files_client.get(audio_url, headers={"Range": asked})
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes {start}-{end}/1024"
    assert response.headers["Content-Length"] == str(end - start + 1)
    assert response.data == AUDIO[start : end + 1]


def test_a_range_beyond_the_end_is_416(files_client, audio_url):
    response = files_client.get(audio_url, headers={"Range": "bytes=5000-"})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == "bytes */1024"


def test_a_current_copy_gets_304(files_client, audio_url):
    first = files_client.get(audio_url)
    again = files_client.get(audio_url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    since = files_client.get(
        audio_url, headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert since.status_code == 304


def test_a_missing_or_forged_key_is_404(files_client):
    assert (
        files_client.get("/_test/files/t/serve/aaaaaaaaaaaaaaaaaaaaaa?type=a/b&name=x").status_code
        == 404
    )
    assert files_client.get("/_test/files/../../etc/passwd?type=a/b&name=x").status_code == 404
    assert files_client.get("/_test/files/t/%2e%2e/%2e%2e/etc?type=a/b&name=x").status_code == 404


# --- the whole request: uploads, a 2 GB upload, a refused one ----------------------------------


def test_an_upload_through_a_form(files_client):
    response = files_client.post(
        "/_test/upload", data={"file": (io.BytesIO(samples.pdf()), "report.pdf")}
    )
    assert response.status_code == 200
    assert stored_size(response.get_data(as_text=True)) == len(samples.pdf())


def test_a_refused_upload_saves_nothing(files_client):
    before = storage().stored_keys()
    response = files_client.post(
        "/_test/upload", data={"file": (io.BytesIO(samples.png()), "report.pdf")}
    )
    assert response.status_code == 400
    assert "is named as a PDF document but it is a PNG image" in response.get_data(as_text=True)
    assert storage().stored_keys() == before


def test_a_2_gb_upload_is_refused_before_it_is_read(files_client):
    before = storage().stored_keys()
    response = files_client.post(
        "/_test/upload",
        data={"file": (io.BytesIO(samples.pdf()), "huge.pdf")},
        environ_overrides={"CONTENT_LENGTH": str(2 * 1024**3)},
    )
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "That upload is too large" in page
    assert "Documents can be up to 25 MB" in page and "audio files 200 MB" in page
    assert "videos 1 GB" in page and "nothing was saved" in page
    assert storage().stored_keys() == before


def test_a_large_upload_goes_only_where_a_view_accepts_uploads(files_client, app):
    over_a_form = str(app.config["FORM_MAX_BYTES"] + 1)
    to_upload = files_client.post(
        "/_test/upload",
        data={"file": (io.BytesIO(samples.pdf()), "r.pdf")},
        environ_overrides={"CONTENT_LENGTH": over_a_form},
    )
    assert to_upload.status_code == 400  # read: the body is shorter than it said
    to_sign_in = files_client.post(
        "/sign-in", data={"email": "x"}, environ_overrides={"CONTENT_LENGTH": over_a_form}
    )
    assert to_sign_in.status_code == 413
