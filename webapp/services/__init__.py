"""Use cases: the only place that turns requests into rows and rows into matching records."""
