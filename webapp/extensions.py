"""Extension instances shared by the app factory and the blueprints."""

from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()
