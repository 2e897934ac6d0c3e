"""Domain values: frozen dataclasses, enums and typed ids. No I/O here."""
