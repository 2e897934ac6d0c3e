"""Everything an expert does: import the kit, unlock, declare, read, score, sign and hand back."""
