"""An expert-side workspace: one SQLite file with a meeting and what is recorded for it."""
