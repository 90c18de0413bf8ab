"""The page model: a docs page as the site reads it. `expand` (its includes, as pymdownx.snippets expands them,
each line with its origin), `blocks` (its code blocks and the Output blocks under each, read as
pymdownx.superfences reads them) and `shown` (the code blocks its rendered HTML shows). The checks
(primer/verify), the MkDocs hooks, the notebook generator and the chapter list share it."""
