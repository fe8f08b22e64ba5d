"""The site navigation, rendered once per worker for each kind of reader.

Every page shows the same links to everyone with the same roles, in the same language: about 25 url_for
calls and as many translated texts. Rendering them on every request was a sixth of a list page's template
time at city scale; the result only depends on the key below, so it is kept (a few dozen entries at most:
two languages × the role sets people hold).
"""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_login import current_user
from markupsafe import Markup

from webapp.i18n import language

_rendered: dict[tuple, Markup] = {}
LIMIT = 256  # role sets are few; the bound only guards against surprises


def navigation() -> Markup:
    """The <nav> for the signed-in reader (or a visitor)."""
    key = (request.script_root, language(), current_user.is_authenticated,
           tuple(sorted(getattr(current_user, "roles", ()))), bool(getattr(current_user, "org_admin", False)))
    found = _rendered.get(key)
    if found is None:
        found = Markup(render_template("_nav.html"))
        if len(_rendered) >= LIMIT:
            _rendered.clear()
        _rendered[key] = found
    return found


def init_app(app: Flask) -> None:
    app.jinja_env.globals["navigation"] = navigation
