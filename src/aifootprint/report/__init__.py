"""HTML report (offline, self-contained) and impact statements."""
