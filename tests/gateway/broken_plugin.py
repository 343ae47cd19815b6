"""A plugin module that fails at import, as a broken deployment would."""

raise RuntimeError("the fire department's schema module is broken")
