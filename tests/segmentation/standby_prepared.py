"""A module only a standby copy imports (``test_forked``)."""
