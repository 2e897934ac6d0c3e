"""The main window shell: the meeting header, the agenda, roster and rubric tabs, the menus."""
