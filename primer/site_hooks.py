"""MkDocs hooks (mkdocs.yml `hooks:`): the note under each page names the environments it was verified in."""

from __future__ import annotations

from primer import records


def on_page_context(context, page, config, nav):
    found = records.load()
    context["verified_in"] = [
        f"{records.label(record)} ({name})"
        for name, record in found.items()
        if records.verified(record, page.file.src_uri)
    ]
    return context
