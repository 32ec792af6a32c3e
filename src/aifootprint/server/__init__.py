"""Team server (extra ``[server]``): REST API under ``/api/v1``, ``/metrics``, dashboard.

Nothing is imported here; use :func:`aifootprint.server.app.create_app` with a
:class:`aifootprint.server.config.ServerConfig`.
"""
