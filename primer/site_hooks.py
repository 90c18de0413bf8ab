"""MkDocs hooks (mkdocs.yml `hooks:`): the note under each page names the environments it was verified in, and
includes refuse files reached through symbolic links (as the checks do)."""

from __future__ import annotations

from primer import records
from primer.verify.expand import SnippetsInside


def on_config(config):
    extensions = config["markdown_extensions"]
    index = extensions.index("pymdownx.snippets")
    extensions[index] = SnippetsInside(**config["mdx_configs"].pop("pymdownx.snippets", {}))
    return config


def on_page_context(context, page, config, nav):
    found = records.load()
    context["verified_in"] = [
        f"{records.label(record)} ({name})"
        for name, record in found.items()
        if records.verified(record, page.file.src_uri)
    ]
    return context
