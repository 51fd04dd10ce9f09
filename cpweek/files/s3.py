"""An S3-compatible store (AWS S3, MinIO, Cloudflare R2, Ceph, ...) for a site on several hosts.

Chosen with CPWEEK_FILES_STORE=s3 and CPWEEK_FILES_S3_BUCKET (and, for a store that is not
AWS, CPWEEK_FILES_S3_ENDPOINT_URL; CPWEEK_FILES_S3_REGION, CPWEEK_FILES_S3_PREFIX). The
credentials come from the standard AWS environment variables (AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), never from the app's settings.

Spoken to directly over HTTPS with AWS Signature Version 4 (the standard library's http.client,
hmac and hashlib): the five calls the site needs (PUT, GET with a Range, HEAD, DELETE, and
ListObjectsV2 for sweeping) are a hundred lines, where boto3 would bring some 80 MB and pin
python-dateutil below 3, which the project has at 4 (icalendar's). What this does not do that
boto3 would: credentials from ~/.aws profiles or an instance role (set the variables instead),
and multipart uploads (one PUT takes up to 5 GB; the largest file here is 1 GB).

Files are streamed through the app, only the asked range fetched from the store (see
serving.py), rather than redirected to a presigned address: the answer keeps the checked type,
`nosniff`, the download name and the same address for every file wherever it is kept (a feed's
enclosure, a page's link), and no store has to be reachable by the public. The cost is a
worker busy while a large file is sent: run enough workers, or a CDN in front, for video.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.client
import io
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import BinaryIO
from urllib.parse import quote, urlsplit

from cpweek.config import ConfigError
from cpweek.files.storage import CHUNK, StoredInfo, is_key

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED = "UNSIGNED-PAYLOAD"  # S3's word for a body not hashed into the signature (HTTPS)
TIMEOUT = 30  # seconds to connect to the store and for each read
_NS = {"s3": "http://s3.amazonaws.com/doc/2006-03-01/"}


class S3Error(RuntimeError):
    """The store answered with an error (the message has its status and code)."""


def _uri_encode(text: str, *, slash: bool = False) -> str:
    return quote(text, safe="-_.~/" if slash else "-_.~")


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).digest()


def sign(
    *,
    method: str,
    host: str,
    path: str,
    query: Mapping[str, str],
    headers: Mapping[str, str],
    payload_hash: str,
    access_key: str,
    secret_key: str,
    region: str,
    now: datetime,
    session_token: str = "",
) -> dict[str, str]:
    """The request's headers with AWS Signature Version 4 added (x-amz-date,
    x-amz-content-sha256, Authorization): the canonical request, the string to sign and the
    signing key as the S3 documentation sets them out. `path` is already URI-encoded."""
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    day = now.strftime("%Y%m%d")
    signed_headers = {key.lower(): " ".join(str(value).split()) for key, value in headers.items()}
    signed_headers.update(
        {"host": host, "x-amz-date": amz_date, "x-amz-content-sha256": payload_hash}
    )
    if session_token:
        signed_headers["x-amz-security-token"] = session_token
    names = sorted(signed_headers)
    canonical = "\n".join(
        [
            method,
            path,
            "&".join(f"{_uri_encode(k)}={_uri_encode(v)}" for k, v in sorted(query.items())),
            "".join(f"{name}:{signed_headers[name]}\n" for name in names),
            ";".join(names),
            payload_hash,
        ]
    )
    scope = f"{day}/{region}/s3/aws4_request"
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = _hmac(("AWS4" + secret_key).encode("utf-8"), day)
    for part in (region, "s3", "aws4_request"):
        key = _hmac(key, part)
    signature = hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    signed_headers["authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={access_key}/{scope},"
        f"SignedHeaders={';'.join(names)},Signature={signature}"
    )
    return signed_headers


class S3Storage:
    """The Storage interface over an S3-compatible bucket (see the module's notes)."""

    local = False

    def __init__(
        self,
        *,
        bucket: str,
        access_key: str,
        secret_key: str,
        region: str = "us-east-1",
        endpoint_url: str = "",
        prefix: str = "",
        session_token: str = "",
    ):
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.region = region
        self._access_key, self._secret_key = access_key, secret_key
        self._session_token = session_token
        if endpoint_url:  # MinIO, R2 and the like: the bucket in the path
            parts = urlsplit(endpoint_url)
            self.scheme, self.host = parts.scheme, parts.netloc
            self._base = parts.path.rstrip("/") + "/" + _uri_encode(bucket)
        else:  # AWS: the bucket in the host name
            self.scheme, self.host = "https", f"{bucket}.s3.{region}.amazonaws.com"
            self._base = ""

    @classmethod
    def from_config(cls, config: Mapping) -> S3Storage:
        bucket = config.get("CPWEEK_FILES_S3_BUCKET", "")
        access_key = os.environ.get("AWS_ACCESS_KEY_ID", "")
        secret_key = os.environ.get("AWS_SECRET_ACCESS_KEY", "")
        if not bucket:
            raise ConfigError("CPWEEK_FILES_STORE=s3 needs CPWEEK_FILES_S3_BUCKET (its name).")
        if not access_key or not secret_key:
            raise ConfigError(
                "CPWEEK_FILES_STORE=s3 needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the "
                "environment (the store's access key; any S3-compatible store issues one)."
            )
        endpoint = config.get("CPWEEK_FILES_S3_ENDPOINT_URL", "")
        if endpoint and urlsplit(endpoint).scheme not in ("http", "https"):
            raise ConfigError(
                f"CPWEEK_FILES_S3_ENDPOINT_URL must start https:// (or http://), not {endpoint!r}"
            )
        region = (
            config.get("CPWEEK_FILES_S3_REGION")
            or os.environ.get("AWS_REGION")
            or os.environ.get("AWS_DEFAULT_REGION")
            or "us-east-1"
        )
        return cls(
            bucket=bucket,
            access_key=access_key,
            secret_key=secret_key,
            session_token=os.environ.get("AWS_SESSION_TOKEN", ""),
            region=region,
            endpoint_url=endpoint,
            prefix=config.get("CPWEEK_FILES_S3_PREFIX", ""),
        )

    # --- the interface -------------------------------------------------------------------------

    def save(self, key: str, stream: BinaryIO) -> int:
        stream.seek(0, io.SEEK_END)
        size = stream.tell()
        stream.seek(0)
        headers = {"content-type": "application/octet-stream", "content-length": str(size)}
        with self._request("PUT", key, headers=headers, body=stream) as response:
            self._check(response, "PUT", key)
        return size

    def open(self, key: str) -> BinaryIO:
        return io.BytesIO(b"".join(self.read_range(key, 0, None)))

    def size(self, key: str) -> int | None:
        info = self.stat(key)
        return None if info is None else info.size

    def stat(self, key: str) -> StoredInfo | None:
        with self._request("HEAD", key) as response:
            if response.status == 404:
                return None
            self._check(response, "HEAD", key)
            modified = response.getheader("Last-Modified")
            return StoredInfo(
                size=int(response.getheader("Content-Length") or 0),
                etag=(response.getheader("ETag") or "").strip('"'),
                modified=parsedate_to_datetime(modified) if modified else datetime.now(UTC),
            )

    def read_range(self, key: str, start: int, stop: int | None) -> Iterator[bytes]:
        """The bytes from `start` up to (not including) `stop` (None: to the end), streamed."""
        headers = {}
        if start or stop is not None:
            end = "" if stop is None else str(stop - 1)
            headers["range"] = f"bytes={start}-{end}"
        context = self._request("GET", key, headers=headers)
        response = context.__enter__()
        if response.status == 404:
            context.__exit__(None, None, None)
            raise FileNotFoundError(key)
        try:
            self._check(response, "GET", key)
        except BaseException:
            context.__exit__(None, None, None)
            raise
        return self._chunks(context, response)

    @staticmethod
    def _chunks(context: _Exchange, response: http.client.HTTPResponse) -> Iterator[bytes]:
        try:
            while chunk := response.read(CHUNK):
                yield chunk
        finally:
            context.__exit__(None, None, None)

    def delete(self, key: str) -> None:
        with self._request("DELETE", key) as response:
            if response.status != 404:
                self._check(response, "DELETE", key)

    def keys(self) -> list[str]:
        found: list[str] = []
        query = {"list-type": "2", "prefix": f"{self.prefix}/" if self.prefix else ""}
        while True:
            with self._request("GET", None, query=query) as response:
                self._check(response, "LIST", "")
                tree = ET.fromstring(response.read())  # noqa: S314 - our own store's answer
            for element in tree.findall("s3:Contents/s3:Key", _NS):
                name = (element.text or "").removeprefix(f"{self.prefix}/" if self.prefix else "")
                if is_key(name):
                    found.append(name)
            token = tree.findtext("s3:NextContinuationToken", default="", namespaces=_NS)
            if tree.findtext("s3:IsTruncated", namespaces=_NS) != "true" or not token:
                return sorted(found)
            query = {**query, "continuation-token": token}

    # --- HTTP ----------------------------------------------------------------------------------

    def _path(self, key: str | None) -> str:
        if key is None:
            return self._base + "/"
        name = f"{self.prefix}/{key}" if self.prefix else key
        return f"{self._base}/{_uri_encode(name, slash=True)}"

    def _request(
        self,
        method: str,
        key: str | None,
        *,
        headers: Mapping[str, str] | None = None,
        query: Mapping[str, str] | None = None,
        body: BinaryIO | None = None,
    ) -> _Exchange:
        path = self._path(key)
        query = dict(query or {})
        # A body is sent unhashed (HTTPS protects it); a hash of 1 GB would cost seconds.
        payload = UNSIGNED if body is not None else EMPTY_SHA256
        signed = sign(
            method=method,
            host=self.host,
            path=path,
            query=query,
            headers=headers or {},
            payload_hash=payload,
            access_key=self._access_key,
            secret_key=self._secret_key,
            region=self.region,
            now=datetime.now(UTC),
            session_token=self._session_token,
        )
        target = path + (
            "?" + "&".join(f"{_uri_encode(k)}={_uri_encode(v)}" for k, v in query.items())
            if query
            else ""
        )
        return _Exchange(self.scheme, self.host, method, target, signed, body)

    @staticmethod
    def _check(response: http.client.HTTPResponse, what: str, key: str) -> None:
        if 200 <= response.status < 300:
            return
        detail = response.read(2000).decode("utf-8", "replace")
        code = ""
        with contextlib.suppress(ET.ParseError):
            code = ET.fromstring(detail).findtext("Code") or ""  # noqa: S314 - as above
        raise S3Error(f"S3 {what} {key!r}: {response.status} {code}".strip())


class _Exchange:
    """One request and its response on a connection of its own, closed at the end."""

    def __init__(self, scheme, host, method, target, headers, body):
        connection_class = (
            http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
        )
        self.connection = connection_class(host, timeout=TIMEOUT)
        self.request = (method, target, headers, body)

    def __enter__(self) -> http.client.HTTPResponse:
        method, target, headers, body = self.request
        self.connection.request(method, target, body=body, headers=headers)
        return self.connection.getresponse()

    def __exit__(self, *exc) -> None:
        self.connection.close()
