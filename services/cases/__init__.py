"""The cases service: the seven-link closed loop of grid governance across three tiers."""
