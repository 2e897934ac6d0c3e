"""The expert's window: unlock, agenda, conflict, materials, hearing, criteria, scoring,
opinion, review and sign, hand back. Widgets hold no rules; they call :mod:`app.expert.desk`."""
