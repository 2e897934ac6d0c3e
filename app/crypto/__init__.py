"""age v1 file encryption (C2SP age), built only from ``cryptography`` primitives.

Public entry points live in :mod:`app.crypto.age_file` (encrypt, decrypt, :class:`AgeReader`,
``inspect_header``) and :mod:`app.crypto.age_keys` (recipients and identities). Every
failure is an :class:`app.crypto.age_errors.AgeError`.
"""
