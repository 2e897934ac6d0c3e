"""The ministry's database: verified result bundles from many meetings."""
