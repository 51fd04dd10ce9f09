"""The S3-compatible store (cpweek/files/s3.py): its signature against AWS's own published
example, and the whole interface and serving against a small S3 server on 127.0.0.1 that
checks every request's signature (no network, no real bucket)."""

from __future__ import annotations

import hashlib
import re
import threading
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qsl, urlsplit
from xml.sax.saxutils import escape

import pytest

from cpweek import create_app
from cpweek.auth.permissions import public
from cpweek.config import ConfigError
from cpweek.extensions import db
from cpweek.files import FileKind, remove_stored, samples, send_stored, store_bytes, stored_size
from cpweek.files.backend import build_storage, storage
from cpweek.files.s3 import S3Error, S3Storage, sign

ACCESS, SECRET = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def test_the_signature_is_the_one_in_the_aws_documentation():
    """The S3 documentation's worked example "GET Object" (Signature Version 4, header-based
    authentication): examplebucket, test.txt, Range bytes=0-9, 24 May 2013."""
    headers = sign(
        method="GET",
        host="examplebucket.s3.amazonaws.com",
        path="/test.txt",
        query={},
        headers={"Range": "bytes=0-9"},
        payload_hash=hashlib.sha256(b"").hexdigest(),
        access_key=ACCESS,
        secret_key=SECRET,
        region="us-east-1",
        now=datetime(2013, 5, 24, tzinfo=UTC),
    )
    assert headers["authorization"] == (
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
        "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
        "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"
    )


# --- a small S3 server -------------------------------------------------------------------------


class FakeS3(BaseHTTPRequestHandler):
    """Path-style S3: /<bucket>/<key>. Refuses (403) any request whose signature is wrong."""

    objects: ClassVar[dict[str, tuple[bytes, datetime]]] = {}
    bucket = "cpweek-files"
    page_size = 2  # ListObjectsV2 answers in pages this long, to exercise continuation
    seen: ClassVar[list[str]] = []

    def log_message(self, *args):  # quiet
        pass

    def _authorised(self) -> bool:
        given = self.headers.get("Authorization", "")
        names = re.search(r"SignedHeaders=([^,]+)", given)
        if not names:
            return False
        parts = urlsplit(self.path)
        expected = sign(
            method=self.command,
            host=self.headers["Host"],
            path=parts.path,
            query=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers={
                name: self.headers[name]
                for name in names.group(1).split(";")
                if name not in ("host", "x-amz-date", "x-amz-content-sha256")
            },
            payload_hash=self.headers["x-amz-content-sha256"],
            access_key=ACCESS,
            secret_key=SECRET,
            region="eu-west-2",
            now=datetime.strptime(self.headers["x-amz-date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC),
        )
        return expected["authorization"] == given

    def _answer(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _key(self) -> str | None:
        path = urlsplit(self.path).path
        prefix = f"/{self.bucket}/"
        return path[len(prefix) :] if path.startswith(prefix) else None

    def _handle(self) -> None:
        self.seen.append(f"{self.command} {self.path}")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not self._authorised():
            return self._answer(403, b"<Error><Code>SignatureDoesNotMatch</Code></Error>")
        key = self._key()
        if self.command == "GET" and key == "":
            return self._list()
        if self.command == "PUT":
            self.objects[key] = (body, datetime.now(UTC).replace(microsecond=0))
            return self._answer(200, headers={"ETag": '"x"'})
        if key not in self.objects:
            return self._answer(204 if self.command == "DELETE" else 404)
        data, modified = self.objects[key]
        if self.command == "DELETE":
            del self.objects[key]
            return self._answer(204)
        headers = {
            "ETag": f'"{hashlib.md5(data).hexdigest()}"',  # noqa: S324 - as S3 does
            "Last-Modified": format_datetime(modified, usegmt=True),
        }
        asked = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        if asked:
            start = int(asked.group(1))
            end = int(asked.group(2)) if asked.group(2) else len(data) - 1
            headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
            return self._answer(206, data[start : end + 1], headers)
        if self.command == "HEAD":
            self.send_response(200)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            return None
        return self._answer(200, data, headers)

    def _list(self) -> None:
        query = dict(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))
        names = sorted(k for k in self.objects if k.startswith(query.get("prefix", "")))
        start = int(query.get("continuation-token") or 0)
        page = names[start : start + self.page_size]
        more = start + self.page_size < len(names)
        contents = "".join(f"<Contents><Key>{escape(k)}</Key></Contents>" for k in page)
        token = f"<NextContinuationToken>{start + self.page_size}</NextContinuationToken>"
        xml = (
            '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            f"<IsTruncated>{'true' if more else 'false'}</IsTruncated>{contents}"
            f"{token if more else ''}</ListBucketResult>"
        )
        self._answer(200, xml.encode(), {"Content-Type": "application/xml"})

    do_GET = do_PUT = do_HEAD = do_DELETE = _handle


@pytest.fixture(scope="module")
def s3_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeS3)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def s3_env(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    FakeS3.objects.clear()
    FakeS3.seen.clear()


@pytest.fixture
def s3_config(base_config, s3_server, s3_env) -> dict:
    return {
        **base_config,
        "CPWEEK_FILES_STORE": "s3",
        "CPWEEK_FILES_S3_BUCKET": FakeS3.bucket,
        "CPWEEK_FILES_S3_ENDPOINT_URL": s3_server,
        "CPWEEK_FILES_S3_REGION": "eu-west-2",
        "CPWEEK_FILES_S3_PREFIX": "cpweek",
    }


@pytest.fixture
def s3_app(s3_config):
    application = create_app(s3_config)

    @application.get("/_test/s3/<path:key>")
    @public
    def download(key):
        return send_stored(key, media_type="audio/mpeg", filename="Épisode.mp3")

    with application.app_context():
        yield application
        db.session.remove()


# --- the interface -----------------------------------------------------------------------------


def test_the_store_keeps_reads_and_removes_files(s3_app):
    store = storage()
    assert isinstance(store, S3Storage)
    stored = store_bytes(samples.pdf(), "report.pdf", {FileKind.DOCUMENT}, folder="resources/3")
    db.session.commit()
    assert f"cpweek/{stored.key}" in FakeS3.objects  # under the prefix
    assert stored_size(stored.key) == len(samples.pdf())
    assert store.open(stored.key).read() == samples.pdf()
    assert b"".join(store.read_range(stored.key, 10, 20)) == samples.pdf()[10:20]
    others = [
        store_bytes(samples.png(), f"p{n}.png", {FileKind.IMAGE}, folder="t/s3").key
        for n in range(3)
    ]
    db.session.commit()
    assert store.keys() == sorted([stored.key, *others])  # over two pages of the listing
    remove_stored(stored.key)
    db.session.commit()
    assert stored_size(stored.key) is None
    with pytest.raises(FileNotFoundError):
        store.open(stored.key)
    store.delete(stored.key)  # already gone: nothing happens


def test_a_rolled_back_upload_is_removed_from_the_store(s3_app):
    stored = store_bytes(samples.pdf(), "report.pdf", {FileKind.DOCUMENT}, folder="t/s3")
    assert f"cpweek/{stored.key}" in FakeS3.objects
    db.session.rollback()
    assert f"cpweek/{stored.key}" not in FakeS3.objects


def test_a_wrong_secret_is_an_error_that_says_so(s3_config, monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    store = S3Storage.from_config(s3_config)
    with pytest.raises(S3Error, match="403 SignatureDoesNotMatch"):
        store.open("t/s3/aaaaaaaaaaaaaaaaaaaaaa")


# --- serving -----------------------------------------------------------------------------------


@pytest.fixture
def episode(s3_app):
    data = samples.mp3(0.2)
    stored = store_bytes(data, "e.mp3", {FileKind.AUDIO}, folder="t/s3")
    db.session.commit()
    return f"/_test/s3/{stored.key}", data


def test_send_stored_streams_from_the_store_with_the_same_headers(s3_app, episode):
    url, data = episode
    client = s3_app.test_client()
    response = client.get(url)
    assert response.status_code == 200 and response.data == data
    assert response.headers["Content-Type"] == "audio/mpeg"
    assert response.headers["Content-Length"] == str(len(data))
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["Cache-Control"] == "public, max-age=3600"
    assert "filename*=UTF-8''%C3%89pisode.mp3" in response.headers["Content-Disposition"]
    assert response.headers["ETag"] and response.headers["Last-Modified"]


@pytest.mark.parametrize(
    ("asked", "start", "end"),
    [("bytes=0-99", 0, 99), ("bytes=-100", -100, None), ("bytes=100-", 100, None)],
)
def test_ranges_are_fetched_from_the_store(s3_app, episode, asked, start, end):
    url, data = episode
    FakeS3.seen.clear()
    response = s3_app.test_client().get(url, headers={"Range": asked})
    expected = data[start : None if end is None else end + 1]
    first = start % len(data)
    assert response.status_code == 206 and response.data == expected
    assert response.headers["Content-Range"] == (
        f"bytes {first}-{first + len(expected) - 1}/{len(data)}"
    )
    assert response.headers["Content-Length"] == str(len(expected))
    assert [line.split()[0] for line in FakeS3.seen] == ["HEAD", "GET"]  # only the range


def test_beyond_the_end_is_416_and_a_current_copy_304(s3_app, episode):
    url, data = episode
    client = s3_app.test_client()
    beyond = client.get(url, headers={"Range": f"bytes={len(data) + 10}-"})
    assert beyond.status_code == 416
    assert beyond.headers["Content-Range"] == f"bytes */{len(data)}"
    first = client.get(url)
    FakeS3.seen.clear()
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert [line.split()[0] for line in FakeS3.seen] == ["HEAD"]  # nothing fetched
    assert client.get("/_test/s3/t/s3/aaaaaaaaaaaaaaaaaaaaaa").status_code == 404


# --- settings ----------------------------------------------------------------------------------


def test_s3_settings_are_checked(s3_config, monkeypatch):
    with pytest.raises(ConfigError, match="needs CPWEEK_FILES_S3_BUCKET"):
        build_storage(create_app({**s3_config, "CPWEEK_FILES_S3_BUCKET": ""}))
    with pytest.raises(ConfigError, match="must start https://"):
        build_storage(create_app({**s3_config, "CPWEEK_FILES_S3_ENDPOINT_URL": "s3.example"}))
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(ConfigError, match="AWS_SECRET_ACCESS_KEY"):
        build_storage(create_app(s3_config))


def test_aws_itself_is_addressed_by_the_bucket_in_the_host_name(s3_env):
    store = S3Storage.from_config(
        {"CPWEEK_FILES_S3_BUCKET": "cpweek", "CPWEEK_FILES_S3_REGION": "eu-west-2"}
    )
    assert (store.scheme, store.host) == ("https", "cpweek.s3.eu-west-2.amazonaws.com")
    assert (
        store._path("resources/1/aaaaaaaaaaaaaaaaaaaaaa") == "/resources/1/aaaaaaaaaaaaaaaaaaaaaa"
    )
