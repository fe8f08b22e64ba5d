"""`make loadtest`: locust against gunicorn on city-scale data, on SQLite and PostgreSQL."""
