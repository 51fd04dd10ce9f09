"""Settings from the environment, safe defaults, and the headers production sends."""

from __future__ import annotations

import pytest

from cpweek import create_app
from cpweek.config import ConfigError, load_config, normalise_database_url


@pytest.fixture
def clean_env(monkeypatch):
    for name in (
        "SECRET_KEY",
        "DATABASE_URL",
        "CPWEEK_ENV",
        "MAIL_SERVER",
        "MAIL_PORT",
        "RATELIMIT_STORAGE_URI",
        "CPWEEK_BASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_production_refuses_to_start_without_a_secret_key(clean_env, tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        load_config(str(tmp_path))
    assert not (tmp_path / "secret_key").exists()


def test_development_generates_a_key_once_and_keeps_it(clean_env, tmp_path):
    clean_env.setenv("CPWEEK_ENV", "development")
    first = load_config(str(tmp_path / "instance"))
    second = load_config(str(tmp_path / "instance"))
    assert len(first["SECRET_KEY"]) == 64 and first["SECRET_KEY"] == second["SECRET_KEY"]
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o777 == 0o600


def test_defaults(clean_env, tmp_path):
    clean_env.setenv("CPWEEK_ENV", "development")
    config = load_config(str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'cpweek.sqlite'}"
    assert config["CPWEEK_TIMEZONE"] == "Europe/London"
    assert config["MAIL_SERVER"] == "" and config["MAIL_OUTBOX"] == str(tmp_path / "outbox")
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["SESSION_COOKIE_SECURE"] is False


def test_environment_variables_are_read(clean_env, tmp_path):
    clean_env.setenv("SECRET_KEY", "from-the-environment")
    clean_env.setenv("DATABASE_URL", "postgres://u@db.internal/cpweek")
    clean_env.setenv("CPWEEK_BASE_URL", "https://week.example.org/")
    clean_env.setenv("MAIL_SERVER", "smtp.example.org")
    clean_env.setenv("MAIL_PORT", "2525")
    clean_env.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    config = load_config(str(tmp_path))
    assert config["SECRET_KEY"] == "from-the-environment"
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.internal/cpweek"
    assert config["CPWEEK_BASE_URL"] == "https://week.example.org"
    assert (config["MAIL_SERVER"], config["MAIL_PORT"]) == ("smtp.example.org", 2525)
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["SESSION_COOKIE_HTTPONLY"] and config["SESSION_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("MAIL_PORT", "twenty-five", "MAIL_PORT must be a whole number"),
        ("CPWEEK_ENV", "staging", "CPWEEK_ENV must be"),
        ("REPORTS_SUPPRESSION_THRESHOLD", "0", "REPORTS_SUPPRESSION_THRESHOLD must be a whole"),
        ("REPORTS_SUPPRESSION_THRESHOLD", "-1", "REPORTS_SUPPRESSION_THRESHOLD must be a whole"),
        ("REPORTS_SUPPRESSION_THRESHOLD", "ten", "REPORTS_SUPPRESSION_THRESHOLD must be a whole"),
        ("REPORTS_ROUNDING_BASE", "0", "REPORTS_ROUNDING_BASE must be a whole"),
        ("REPORTS_PUBLIC_CACHE_SECONDS", "-1", "REPORTS_PUBLIC_CACHE_SECONDS must be a number"),
        ("REPORTS_PUBLIC_CACHE_SECONDS", "a minute", "REPORTS_PUBLIC_CACHE_SECONDS must be a"),
    ],
)
def test_bad_settings_say_which_to_fix(clean_env, tmp_path, name, value, message):
    clean_env.setenv("SECRET_KEY", "x")
    clean_env.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        load_config(str(tmp_path))


def test_the_app_does_not_start_with_a_threshold_of_zero(base_config):
    with pytest.raises(ConfigError, match="REPORTS_SUPPRESSION_THRESHOLD"):
        create_app({**base_config, "REPORTS_SUPPRESSION_THRESHOLD": 0})


@pytest.mark.parametrize(
    "url, expected",
    [
        ("postgres://a@b/c", "postgresql+psycopg://a@b/c"),
        ("postgresql://a@b/c", "postgresql+psycopg://a@b/c"),
        ("postgresql+psycopg://a@b/c", "postgresql+psycopg://a@b/c"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_use_psycopg_3(url, expected):
    assert normalise_database_url(url) == expected


def test_production_sends_security_headers_and_secure_cookies(base_config):
    app = create_app({**base_config, "CPWEEK_ENV": "production"})
    app.config.update(SESSION_COOKIE_SECURE=True)
    response = app.test_client().get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    session_cookie = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert session_cookie and "Secure" in session_cookie[0] and "HttpOnly" in session_cookie[0]


def test_development_has_the_csp_but_no_hsts(client):
    response = client.get("/")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in response.headers


def test_pages_carry_no_inline_script_or_style(client):
    for url in ("/", "/sign-in", "/sign-up", "/editions"):
        page = client.get(url).get_data(as_text=True)
        assert "<script" not in page and "style=" not in page and "<style" not in page, url


def test_proxy_count_trusts_forwarded_headers(base_config):
    app = create_app({**base_config, "PROXY_COUNT": 1})
    app.view_functions  # noqa: B018
    with app.test_request_context(
        "/", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    ):
        pass
    response = app.test_client().get("/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
