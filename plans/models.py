"""Models of the plans app (filled in by later issues)."""
