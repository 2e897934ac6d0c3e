"""The ministry desk window: import bundles, the register, an application\x27s detail."""
