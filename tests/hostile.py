"""What a careless page does, shared by the isolation tests (each case fails) and the mutation test's
faults (the suite catches each)."""

CRASH_AFTER_PRINTING = "print('before the crash')\nimport os\n\nos._exit(1)\n"
CRASH_BEHIND_A_PIPE = "python -c 'import sys; sys.exit(3)' | cat"
