pytest_plugins = ["primer.verify.plugin", "pytester"]
