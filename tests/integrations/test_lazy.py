"""Zero import cost: the hooks and the CLI import no optional library until one is used."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("openai", "anthropic", "litellm", "dask", "distributed", "pyarrow", "opentelemetry", "pandas")


def test_hook_modules_and_cli_import_no_optional_library() -> None:
    code = (
        "import sys\n"
        "import aifootprint.integrations.openai, aifootprint.integrations.anthropic\n"
        "import aifootprint.integrations.litellm, aifootprint.integrations.otel, aifootprint.integrations.ledger\n"
        "import aifootprint.impacts.intensity.live\n"
        "from aifootprint.cli.main import build_app\n"
        "build_app()\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"
