"""gunicorn settings read by every `gunicorn wsgi:app` started in this folder (make run, the tests)."""

# Search links carry long percent-encoded Chinese queries; 8190 is gunicorn's maximum request line.
limit_request_line = 8190
