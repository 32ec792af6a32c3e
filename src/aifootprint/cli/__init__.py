"""The ``aifootprint`` command line (one module per command group)."""
