"""Per-expert encryption at rest of everything an expert records in a shared workspace.

On a shared machine several experts may use one workspace file. What each of them records
(conflict reasons, hearing notes, every field of a score sheet, the signed copies of
submitted sheets) is sealed under that expert's *draft key*, which is stored wrapped to the
expert's own X25519 key, so it opens only in a session unlocked with their PKCS#12 file
(threat T1; ``docs/formats/workspace-drafts-v1.md``).

- :mod:`app.sealed_drafts.cipher` seals and opens values (ChaCha20-Poly1305, bound to
  their place);
- :mod:`app.sealed_drafts.keys` creates, wraps, signs and unwraps the draft key;
- :mod:`app.expert.unlock` is the sign-in use case that hands the expert window a
  sealing repository;
- :mod:`app.sealed_drafts.errors` holds the typed failures.

This module imports nothing, so ``storage`` can use the errors and the record without a
cycle.
"""
