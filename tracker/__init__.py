"""The exchange-visit follow-up tracker: a Flask app built by ``create_app``."""

from __future__ import annotations

from typing import Any

from flask import Flask

from tracker.config import PROJECT_DIR, Config
from tracker.routing import IdConverter


def create_app(config_class: type[Config] = Config, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints, error pages, command line. No I/O here."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_DIR / "templates"),
        static_folder=str(PROJECT_DIR / "static"),
    )
    app.url_map.converters["int"] = IdConverter
    app.config.from_object(config_class())
    app.config.update(overrides or {})

    from tracker import cli, database, errors, portal, read_transactions, reminders, request_ids, templating, web  # noqa: F401  (database: SQLite settings)
    from tracker.extensions import csrf, db, limiter, login_manager, migrate
    from tracker.health import summary_version
    from tracker.search import schema as search_schema

    request_ids.init_app(app)
    db.init_app(app)
    read_transactions.init_app(app)
    summary_version.init_app(app)
    # include_name: Alembic leaves alone the search index's structures that are not models (see tracker/search).
    migrate.init_app(
        app,
        db,
        directory=str(PROJECT_DIR / "migrations"),
        render_as_batch=True,
        include_name=search_schema.include_name,
    )
    limiter.init_app(app)
    login_manager.init_app(app)
    web.register_blueprints(app)  # before CSRF: who may do something is checked before how it was sent
    reminders.init_app(app)
    portal.init_app(app)
    csrf.init_app(app)
    web.configure_security(app)
    errors.register_error_pages(app)
    templating.configure_templates(app)
    cli.register_commands(app)
    if app.config["BENCH"]:
        from tracker import bench

        bench.install(app)
    return app
