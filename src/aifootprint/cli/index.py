"""``aifootprint index --out DIR``: write the living AI energy index as a static site (works offline)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def index(
    out: Annotated[Path, typer.Option("--out", help="Folder to write (created when missing; a non-empty folder "
                                                    "not written by this command is refused unless --force).")],
    force: Annotated[bool, typer.Option("--force", help="Add the index's files to a non-empty folder that was not "
                                                        "written by this command (other files are left alone).")]
    = False,
    draws: Annotated[int, typer.Option("--draws", help="Monte Carlo draws of each sector scenario (100 to "
                                                       "10,000,000, as `scenario run` and `report`; the shipped "
                                                       "snapshot used 20,000: other values leave the Monte Carlo "
                                                       "figures out of the change table).")]
    = 20_000,
) -> None:
    """Write the living AI energy index (index.html, figures.json, bundled assets) into --out."""
    from ..index.figures import IndexConfig
    from ..index.site import write_site
    from .validate import check_range

    check_range("--draws", draws)  # the sector commands' range (aifootprint.limits.LIMITS)
    res = write_site(out, force=force, config=IndexConfig(draws=draws))
    prev = f"compared with data {res.previous_version}" if res.previous_version else "no earlier data version to " \
        "compare with"
    typer.echo(f"wrote {res.out_dir / 'index.html'}: {res.figures} figures, data {res.data_version} ({prev}); "
               f"{len(res.files)} files, open index.html in a browser (no network needed)")


def register(app: typer.Typer) -> None:
    app.command("index")(index)
