"""The project's own tooling: `verify` checks what the docs pages show, `generate` makes what they include."""
