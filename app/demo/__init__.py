"""The demo meeting: shipped fictional material, built and played through the real use cases."""
