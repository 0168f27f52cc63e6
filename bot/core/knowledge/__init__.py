"""The knowledge: its YAML files, the schema that bounds them, and the loader that explains
every problem with file:line, so a moderator's typo never reaches users."""
