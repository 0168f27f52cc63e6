"""Answers turned into plain cards that always fit Discord's limits, shared by the CLI and
the Discord app so both show the same thing."""
