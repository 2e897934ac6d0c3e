"""The hash-chained audit log and its part-by-part verification."""
