"""cpweek: the application factory."""

from __future__ import annotations

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from cpweek.config import load_config
from cpweek.extensions import csrf, db, limiter, login_manager, migrate

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class DatabaseIntConverter(IntegerConverter):
    """`int` in URLs, capped at PostgreSQL's integer range (SQLite's is wider)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, commands, error pages, template helpers."""
    app = Flask(
        __name__,
        instance_path=os.path.join(PROJECT_ROOT, "instance"),
        template_folder=os.path.join(PROJECT_ROOT, "templates"),
        static_folder=os.path.join(PROJECT_ROOT, "static"),
    )
    app.config.update(load_config(app.instance_path, config))
    # Every <int:...> in a URL fits a database integer; a longer number is a 404, not a 500.
    app.url_map.converters["int"] = DatabaseIntConverter

    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        # Flask's documented way to add WSGI middleware, though its types call wsgi_app a method.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=count, x_proto=count, x_host=count
        )

    _init_extensions(app)
    _register_blueprints(app)

    from cpweek.signals import connect_receivers

    connect_receivers()

    from cpweek import cli, files, messages, templating, uow
    from cpweek.errors import refuse_control_characters_in_urls, register_error_pages
    from cpweek.security import init_security_headers

    uow.init_app(app)
    files.init_app(app)  # request sizes: small, large only for views that take files
    cli.init_app(app)
    templating.init_app(app)
    messages.init_app(app)
    register_error_pages(app)
    refuse_control_characters_in_urls(app)
    init_security_headers(app)
    return app


def _init_extensions(app: Flask) -> None:
    # Models must be imported before Alembic compares them with the database.
    from cpweek import models  # noqa: F401
    from cpweek.auth import services as auth_services

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(PROJECT_ROOT, "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.user_loader(auth_services.load_session_user)


def _register_blueprints(app: Flask) -> None:
    from cpweek.auth.views import bp as auth_bp
    from cpweek.coproduction.views import bp as coproduction_bp
    from cpweek.evidence.views import bp as evidence_bp
    from cpweek.mail.views import bp as mail_bp
    from cpweek.programme.views import bp as programme_bp
    from cpweek.reciprocity.views import bp as reciprocity_bp
    from cpweek.reports.views import bp as reports_bp
    from cpweek.resources.views import bp as resources_bp

    app.register_blueprint(programme_bp)
    app.register_blueprint(reciprocity_bp)
    app.register_blueprint(coproduction_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(mail_bp)
    app.register_blueprint(evidence_bp)
    app.register_blueprint(resources_bp)
    app.register_blueprint(reports_bp)
