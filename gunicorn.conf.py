"""gunicorn settings read by every `gunicorn wsgi:app` started in this folder (make run, the tests)."""

# Search links carry long percent-encoded Chinese queries; 8190 is gunicorn's maximum request line.
limit_request_line = 8190


def post_worker_init(worker):
    """Open the matching engine before the worker takes its first request (a saved city index takes over a
    second to open: that must not be a user's wait)."""
    from webapp.warmup import warm

    warm(worker.wsgi)
