"""Pieces every window shares: language switching, errors, dialogs, background tasks,
remembered geometry and fonts. One module per thing, no Qt models or windows here."""
