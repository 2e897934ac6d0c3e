"""The meeting secretary's workspace: setup, packages, rounds and collected signed documents."""
