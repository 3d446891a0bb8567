"""`cm preview [REF]`: the book in a browser, on 127.0.0.1, reloaded live as chapters are saved."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

from clientmilitant.cli.common import PANDOC_OPTION, current_book

if TYPE_CHECKING:
    from clientmilitant.services.preview.site import Site


def preview(
    ref: str | None = typer.Argument(None, metavar="[REF]", help="Only this part or section (number or id)."),
    port: int = typer.Option(0, "--port", min=0, max=65535, help="The port on 127.0.0.1 (default: a free one)."),
    no_open: bool = typer.Option(False, "--no-open", help="Do not open a browser; just print the address."),
    clean: bool = typer.Option(False, "--clean", help="The book only: no margin beside the sections."),
    no_french: bool = typer.Option(
        False, "--no-french-typography", help="Leave spaces and quotes as typed (as cm export does)."
    ),
    pandoc: str | None = PANDOC_OPTION,
) -> None:
    """Preview the book as HTML in a browser, rebuilt as you save.

    The export's stylesheet and filters (French typography included) on 127.0.0.1 only; a
    navigation pane with the plan; beside each section a margin with its number, status, words
    against target, points, sources, open feedback and `cm check` findings. Saving a chapter
    re-renders that chapter alone; editing outline.yaml or feedback.yaml reloads the page.
    Ctrl-C stops it.

    Example: cm preview 2 --no-open --port 8000
    """
    from clientmilitant.services.preview import PreviewOptions, serve

    options = PreviewOptions(
        ref=ref, clean=clean, port=port, pandoc=pandoc, french_typography=not no_french, open_browser=not no_open
    )

    def ready(url: str, site: Site) -> None:
        shown = f" (section {ref})" if ref else ""
        sys.stdout.write(f"cm preview{shown}: {url}  (Ctrl-C to stop)\n")
        if site.error:
            sys.stdout.write(f"the book does not load yet: {site.error}\n")
        sys.stdout.flush()
        if options.open_browser:
            import webbrowser

            webbrowser.open(url)

    serve(current_book(), options, ready)
    sys.stdout.write("cm preview: stopped\n")
