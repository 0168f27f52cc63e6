"""The Discord adapter: decides when to speak and how it looks; the core decides what."""
