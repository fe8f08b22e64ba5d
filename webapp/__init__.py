"""The Jiebang web application: create_app wires config, extensions, blueprints and CLI."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from webapp import auth, cli, db, errors, headers, i18n, navigation, routing, storage
from webapp.api import init_app as init_api
from webapp.blueprints import register_blueprints
from webapp.config import load_config
from webapp.extensions import csrf
from webapp.transactions import Jiebang

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app from the environment (and `test_config` overrides)."""
    instance = os.environ.get("JIEBANG_INSTANCE_PATH", str(ROOT / "instance"))
    app = Jiebang(__name__, instance_path=instance, static_folder=str(ROOT / "static"))
    app.config.from_mapping(load_config(app.instance_path, test_config))
    routing.init_app(app)
    db.init_app(app)
    storage.init_app(app)
    auth.init_app(app)
    csrf.init_app(app)
    i18n.init_app(app)
    navigation.init_app(app)
    errors.init_app(app)
    headers.init_app(app)
    register_blueprints(app)
    init_api(app)
    cli.init_app(app)
    return app
