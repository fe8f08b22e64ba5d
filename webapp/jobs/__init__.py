"""Durable background work: enqueue a job in the request's transaction; `flask worker` runs it."""

from webapp.jobs.queue import enqueue, handler, run_pending

__all__ = ["enqueue", "handler", "run_pending"]
