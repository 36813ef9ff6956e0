"""The engine: text -> normalised sentences -> rule matches."""
