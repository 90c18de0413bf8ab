"""How the pages show an error a block raises: as Python reports it on its last line, `RuntimeError: message`.

The notebooks (an error output), the chapters' scripts (a `try`/`except`) and the site (an Output block marked as
an error) all find it with this one expression; it imports nothing, so the site's build can use it too.
"""

import re

ERROR_LINE = re.compile(r"^(?P<name>(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*(?:Error|Exception)): ?(?P<value>.*)$")
