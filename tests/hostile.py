"""What a careless or hostile page does, shared by the isolation tests (each case fails) and the mutation test's
faults (the suite catches each)."""

# Finds the connection to the harness among its descriptors, as page code can, sends half a message, and stops.
HALF_A_MESSAGE = (
    "import os, socket, struct, time\n\nfor fd in range(3, 64):\n    try:\n"
    "        found = socket.socket(fileno=os.dup(fd))\n    except OSError:\n        continue\n"
    "    if found.family == socket.AF_INET:\n        found.sendall(struct.pack('!Q', 1000) + b'{')\n\n"
    "time.sleep(600)\n"
)
# Patches the page process's runner, which it can reach, to make the report of a block its own.
FORGED_RUNNER = (
    "import sys\n\nrun = sys.modules['primer.verify.run']\nreport = run.PageSession.run\n"
    "run.PageSession.run = lambda self, code: report(self, code)\n"
)
CRASH_AFTER_PRINTING = "print('before the crash')\nimport os\n\nos._exit(1)\n"
CRASH_BEHIND_A_PIPE = "python -c 'import sys; sys.exit(3)' | cat"
