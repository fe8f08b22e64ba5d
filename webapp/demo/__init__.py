"""Deterministic, realistic demo data for `flask --app wsgi load-demo`."""
