"""Numbered schema migrations, one module each (``mNNN_name``), for every kind of database."""
