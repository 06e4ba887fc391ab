#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    if len(sys.argv) > 1:
        # Changes a command makes are recorded in the history as "command <name>"; the web
        # server's requests and the worker's imports set their own source (config/audit.py).
        from config import sources

        sources.process_source = f"command {sys.argv[1]}"[:100]

    execute_from_command_line(sys.argv)
