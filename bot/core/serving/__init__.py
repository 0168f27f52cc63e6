"""The knowledge being served and the lookups built on it: the core's top layer."""
