"""The grammar language: parse (pyparsing) -> syntax tree -> compile (regex)."""
