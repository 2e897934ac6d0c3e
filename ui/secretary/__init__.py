"""The meeting secretary's console: setup, collection, consolidation, panel opinions, room view."""
