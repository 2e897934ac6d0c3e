"""The ministry desk window: import bundles, the register, an application's detail."""
