"""Uploaded files (cpweek/files): types read from the content, sizes per kind, a storage that
keys cannot climb out of, files served with their type, ranges and caching, and no file left
behind by a request that failed."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest
from flask import request
from werkzeug.datastructures import FileStorage

from cpweek import create_app
from cpweek.auth.permissions import public
from cpweek.config import ConfigError
from cpweek.extensions import csrf, db
from cpweek.files import (
    FileKind,
    UploadRefused,
    accepts_uploads,
    remove_stored,
    samples,
    send_stored,
    size_in_words,
    store_bytes,
    store_upload,
    stored_size,
)
from cpweek.files.backend import build_storage, storage
from cpweek.files.storage import BadKey, LocalStorage, new_key

ALL = set(FileKind)
D, C, A, V, I_ = (
    FileKind.DOCUMENT,
    FileKind.CAPTIONS,
    FileKind.AUDIO,
    FileKind.VIDEO,
    FileKind.IMAGE,
)


# --- tiny files of every type ------------------------------------------------------------------


def _zip(members: dict[str, bytes | str], first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        if first:
            archive.writestr(first, members.pop(first), compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _ooxml(main: str, folder: str, part: str) -> bytes:
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/{folder}/{part}" ContentType="application/vnd.openxmlformats-'
        f'officedocument.{main}.main+xml"/></Types>'
    )
    return _zip({"[Content_Types].xml": types, f"{folder}/{part}": "<x/>"})


def _odf(media_type: str) -> bytes:
    return _zip({"mimetype": media_type, "content.xml": "<x/>"}, first="mimetype")


def _box(name: bytes, body: bytes) -> bytes:
    return struct.pack(">I", 8 + len(body)) + name + body


def _mp4(brand: bytes, handler: bytes | None) -> bytes:
    ftyp = _box(b"ftyp", brand + b"\x00\x00\x02\x00" + brand + b"mp41")
    if handler is None:
        return ftyp + _box(b"mdat", bytes(64))
    hdlr = _box(b"hdlr", bytes(8) + handler + bytes(12) + b"track\x00")
    moov = _box(b"moov", _box(b"trak", _box(b"mdia", hdlr)))
    return ftyp + _box(b"mdat", bytes(64)) + moov


OGG_OPUS = b"OggS\x00\x02" + bytes(20) + b"\x01\x13OpusHead\x01\x02" + bytes(40)
OGG_THEORA = b"OggS\x00\x02" + bytes(20) + b"\x01\x2a\x80theora" + bytes(40)
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm\x42\x87\x81\x04" + bytes(40)
MKV = b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\x82\x88matroska" + bytes(40)
JPEG = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + bytes(64)
    + b"\xff\xd9"
)
SRT = (
    b"1\n00:00:01,000 --> 00:00:03,000\nHello and welcome.\n\n"
    b"2\n00:00:03,500 --> 00:00:05,000\nThanks.\n"
)
VTT = samples.webvtt([(1, 3, "Hello and welcome."), (3.5, 5, "Thanks.")])
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(100)

OOXML = "application/vnd.openxmlformats-officedocument"
ODF = "application/vnd.oasis.opendocument"
ACCEPTED = [
    ("report.pdf", samples.pdf("Report"), "application/pdf", D),
    ("report.docx", samples.docx("Report"), f"{OOXML}.wordprocessingml.document", D),
    ("sheet.xlsx", _ooxml("spreadsheetml.sheet", "xl", "workbook.xml"),
     f"{OOXML}.spreadsheetml.sheet", D),
    ("slides.pptx", _ooxml("presentationml.presentation", "ppt", "presentation.xml"),
     f"{OOXML}.presentationml.presentation", D),
    ("report.odt", _odf(f"{ODF}.text"), f"{ODF}.text", D),
    ("slides.odp", _odf(f"{ODF}.presentation"), f"{ODF}.presentation", D),
    ("book.epub", _odf("application/epub+zip"), "application/epub+zip", D),
    ("notes.txt", "Plain words, and “quotes” in UTF-8.\n".encode(), "text/plain", D),
    ("notes.md", b"# Notes\n\n- one\n- two\n", "text/markdown", D),
    ("captions.vtt", VTT, "text/vtt", C),
    ("bom.vtt", b"\xef\xbb\xbf" + VTT, "text/vtt", C),
    ("episode.mp3", samples.mp3(0.5), "audio/mpeg", A),
    ("tagged.mp3", b"ID3\x04\x00\x00\x00\x00\x00\x00" + samples.mp3(0.1), "audio/mpeg", A),
    ("episode.m4a", _mp4(b"M4A ", b"soun"), "audio/mp4", A),
    ("sound-only.m4a", _mp4(b"isom", b"soun"), "audio/mp4", A),
    ("episode.opus", OGG_OPUS, "audio/ogg", A),
    ("episode.wav", samples.wav(0.1), "audio/wav", A),
    ("recording.mp4", _mp4(b"isom", b"vide"), "video/mp4", V),
    ("recording.webm", WEBM, "video/webm", V),
    ("recording.ogv", OGG_THEORA, "video/ogg", V),
    ("picture.png", samples.png(), "image/png", I_),
    ("picture.jpg", JPEG, "image/jpeg", I_),
]  # fmt: skip
MACROS = _zip(
    {
        "[Content_Types].xml": "application/vnd.ms-word.document.macroEnabled.main+xml",
        "word/document.xml": "x",
    }
)


@pytest.mark.parametrize(
    ("name", "data", "media_type", "kind"), ACCEPTED, ids=lambda v: str(v)[:20]
)
def test_every_accepted_type_is_read_from_its_content(name, data, media_type, kind):
    stored = store_bytes(data, name, ALL, folder="tests/types")
    assert (stored.media_type, stored.size, stored.filename) == (media_type, len(data), name)
    assert stored_size(stored.key) == len(data)
    with storage().open(stored.key) as handle:
        assert handle.read() == data
    # The kind decides where a type is taken: a document is not a caption file.
    others = ALL - {kind}
    with pytest.raises(UploadRefused, match="here you can upload"):
        store_bytes(data, name, others, folder="tests/types")


def test_a_name_without_extension_gets_the_real_one():
    assert (
        store_bytes(samples.pdf(), "Annual report", ALL, folder="t/a").filename
        == "Annual report.pdf"
    )
    assert store_bytes(samples.mp3(), "episode", ALL, folder="t/a").filename == "episode.mp3"
    # Markdown or plain: the content is the same kind of text, so the name chooses.
    assert store_bytes(b"words", "notes", ALL, folder="t/a").media_type == "text/plain"


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        (
            "report.pdf",
            samples.png(),
            "“report.pdf” is named as a PDF document but it is a PNG image",
        ),
        ("podcast.mp3", EXE, "“podcast.mp3” is a Windows program (EXE), which we do not take"),
        ("photo.jpg", samples.pdf(), "is named as a JPEG image but it is a PDF document"),
        ("song.mp3", samples.wav(), "is named as an MP3 audio file but it is a WAV audio file"),
        ("report.docx", _zip({"a.txt": "x"}), "is a ZIP archive, which we do not take"),
        ("report.docx", b"PK\x03\x04 not really a zip", "damaged or unreadable"),
        ("macro.docx", MACROS, "with macros"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "old-style Office file"),
        ("page.txt", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "a web page (HTML)"),
        (
            "drawing.png",
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
            "an SVG drawing",
        ),
        ("film.mp4", _mp4(b"qt  ", b"vide"), "a QuickTime movie"),
        ("film.webm", MKV, "a Matroska video"),
        ("data.txt", b"\x00\x01\x02binary\xff\xfe", "a kind of file we cannot read"),
        ("latin1.txt", "caf\xe9".encode("latin-1"), "a kind of file we cannot read"),
    ],
    ids=lambda v: str(v)[:24],
)
def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_is_stored(name, data, says):
    before = storage().keys()
    with pytest.raises(UploadRefused) as refused:
        store_bytes(data, name, ALL, folder="tests/refused")
    assert says in refused.value.message
    assert refused.value.field == "file"
    assert storage().keys() == before


def test_empty_files_are_refused():
    with pytest.raises(UploadRefused, match=r"“empty.pdf” is empty"):
        store_bytes(b"", "empty.pdf", ALL, folder="tests/empty")


def test_webvtt_is_checked_and_srt_renamed_vtt_is_refused():
    with pytest.raises(UploadRefused) as refused:
        store_bytes(SRT, "captions.vtt", {C}, folder="tests/vtt")
    message = refused.value.message
    assert "“captions.vtt” is not WebVTT: it is SubRip subtitles (.srt)" in message
    assert "begins with the word WEBVTT" in message
    with pytest.raises(UploadRefused, match="it is plain text"):
        store_bytes(b"Just a transcript.", "captions.vtt", {C}, folder="tests/vtt")
    with pytest.raises(UploadRefused, match="SubRip subtitles"):
        store_bytes(SRT, "captions.srt", {C}, folder="tests/vtt")
    # "WEBVTT" must be the whole first word (W3C WebVTT: followed by a space, tab or line end).
    with pytest.raises(UploadRefused, match="not WebVTT"):
        store_bytes(b"WEBVTTX\n\n", "c.vtt", {C}, folder="tests/vtt")
    assert (
        store_bytes(b"WEBVTT - captions\n\n", "c.vtt", {C}, folder="t/v").media_type == "text/vtt"
    )


def test_sizes_are_limited_per_kind_in_words(app, monkeypatch):
    before = storage().keys()
    monkeypatch.setitem(app.config, "FILES_MAX_CAPTIONS_MB", 1)
    too_big = VTT + b"x" * (1024 * 1024)
    with pytest.raises(UploadRefused) as refused:
        store_bytes(too_big, "long.vtt", {C}, folder="tests/size")
    assert refused.value.message.startswith(
        "Caption files can be up to 1 MB; “long.vtt” is 1.1 MB."
    )
    monkeypatch.setitem(app.config, "FILES_MAX_AUDIO_MB", 1)
    with pytest.raises(UploadRefused, match=r"^Audio files can be up to 1 MB; “e.mp3” is 2 MB"):
        store_bytes(samples.mp3(size=2 * 1024 * 1024 - 100), "e.mp3", {A}, folder="tests/size")
    assert storage().keys() == before
    assert (
        store_bytes(samples.mp3(size=1024 * 1024), "e.mp3", {A}, folder="t/s").size <= 1024 * 1024
    )


def test_the_default_limits_take_the_benchmarks_50_mb_episode(app):
    assert app.config["FILES_MAX_AUDIO_MB"] == 200 and app.config["FILES_MAX_DOCUMENT_MB"] == 25
    assert app.config["FILES_MAX_CAPTIONS_MB"] == 1 and app.config["FILES_MAX_VIDEO_MB"] == 1024
    assert app.config["MAX_CONTENT_LENGTH"] == (1024 + 1) * 1024 * 1024
    stored = store_bytes(samples.mp3(size=50 * 1024 * 1024), "big.mp3", {A}, folder="t/big")
    assert stored.size > 49 * 1024 * 1024


def test_size_in_words():
    assert size_in_words(1) == "1 byte"
    assert size_in_words(820) == "820 bytes"
    assert size_in_words(14 * 1024 + 100) == "14 KB"
    assert size_in_words(int(2.5 * 1024 * 1024)) == "2.5 MB"
    assert size_in_words(240 * 1024 * 1024) == "240 MB"
    assert size_in_words(1024**3) == "1 GB"
    assert size_in_words(200 * 1024 * 1024 + 1, round_up=True) == "201 MB"


def test_the_download_name_is_the_persons_cleaned():
    assert (
        store_bytes(samples.pdf(), "../../etc/Rapport été 2025.pdf", ALL, folder="t/n").filename
        == "Rapport été 2025.pdf"
    )
    assert (
        store_bytes(samples.pdf(), "C:\\Users\\me\\a<b>|c.PDF", ALL, folder="t/n").filename
        == "a-b-c.pdf"
    )
    assert store_bytes(samples.pdf(), ".pdf", ALL, folder="t/n").filename == "file.pdf"
    assert store_bytes(b"# hi", "notes.txt", ALL, folder="t/n").filename == "notes.txt"


def test_store_upload_takes_a_werkzeug_upload():
    upload = FileStorage(io.BytesIO(samples.pdf()), filename="report.pdf", content_type="image/png")
    stored = store_upload(upload, {D}, folder="resources/12")
    assert stored.key.startswith("resources/12/") and len(stored.key) == len("resources/12/") + 22
    assert stored.media_type == "application/pdf"  # the browser's word is not taken
    with pytest.raises(UploadRefused, match="Choose a file"):
        store_upload(FileStorage(io.BytesIO(b""), filename=""), {D}, folder="resources/12")


# --- keys and the store ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    ["../etc/passwd", "resources/../../x", "/etc/passwd", "resources/12/..", "resources/a b/c",
     "resources//aaaaaaaaaaaaaaaaaaaaaa", "Resources/12/aaaaaaaaaaaaaaaaaaaaaa", "", "x" * 22],
)  # fmt: skip
def test_keys_that_are_not_ours_are_refused(key):
    with pytest.raises(BadKey):
        stored_size(key)
    with pytest.raises(BadKey):
        remove_stored(key)
    with pytest.raises(BadKey):
        storage().path(key)


@pytest.mark.parametrize("folder", ["../x", "/abs", "a/../b", "A", "a b", "", "a/" * 8 + "b"])
def test_folders_that_are_not_plain_words_are_refused(folder):
    with pytest.raises(BadKey):
        new_key(folder)
    with pytest.raises(BadKey):
        store_bytes(samples.pdf(), "r.pdf", ALL, folder=folder)


def test_local_storage_is_under_instance_and_never_static(app, base_config, tmp_path):
    default = create_app({k: v for k, v in base_config.items() if k != "CPWEEK_FILES_DIR"})
    assert default.config["CPWEEK_FILES_DIR"] == str(Path(default.instance_path) / "files")
    store = build_storage(default)
    assert isinstance(store, LocalStorage)
    assert store.root.is_relative_to(Path(default.instance_path).resolve())
    assert not store.root.is_relative_to(Path(default.static_folder).resolve())
    for inside in (default.static_folder, str(Path(default.static_folder) / "uploads")):
        with pytest.raises(ConfigError, match="must not be in or around the static folder"):
            build_storage(create_app({**base_config, "CPWEEK_FILES_DIR": inside}))
    with pytest.raises(ConfigError, match="CPWEEK_FILES_STORE must be 'local' or 's3'"):
        build_storage(create_app({**base_config, "CPWEEK_FILES_STORE": "ftp"}))


# --- files and the unit of work ----------------------------------------------------------------


def test_a_file_stored_by_a_unit_of_work_that_rolls_back_is_removed():
    kept = store_bytes(samples.pdf(), "kept.pdf", ALL, folder="t/uow")
    db.session.commit()
    dropped = store_bytes(samples.pdf(), "dropped.pdf", ALL, folder="t/uow")
    assert stored_size(dropped.key) is not None
    db.session.rollback()
    assert stored_size(dropped.key) is None
    assert stored_size(kept.key) is not None


def test_a_file_stored_when_the_session_closes_without_commit_is_removed():
    dropped = store_bytes(samples.pdf(), "dropped.pdf", ALL, folder="t/uow")
    db.session.remove()  # the end of a request that raised: the session closes, no commit
    assert stored_size(dropped.key) is None


def test_a_removal_waits_for_the_commit():
    stored = store_bytes(samples.pdf(), "r.pdf", ALL, folder="t/uow")
    db.session.commit()
    remove_stored(stored.key)
    assert stored_size(stored.key) is not None  # still there: the request may yet fail
    db.session.rollback()
    assert stored_size(stored.key) is not None  # it failed: the row still names the file
    remove_stored(stored.key)
    db.session.commit()
    assert stored_size(stored.key) is None
    remove_stored(stored.key)  # already gone: nothing happens
    db.session.commit()


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
    before = storage().keys()
    response = files_client.post(
        "/_test/upload", data={"file": (io.BytesIO(samples.png()), "report.pdf")}
    )
    assert response.status_code == 400
    assert "is named as a PDF document but it is a PNG image" in response.get_data(as_text=True)
    assert storage().keys() == before


def test_a_2_gb_upload_is_refused_before_it_is_read(files_client):
    before = storage().keys()
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
    assert storage().keys() == before


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
