"""The code of every example on the site, one module per chapter.

Pages embed named sections of these modules (``# --8<-- [start:name]`` ... ``# --8<-- [end:name]``),
so the code a reader sees is the code that runs. Each module also runs on its own:
``python -m snippets.tensors``.
"""
