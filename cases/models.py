"""Models of the cases app (filled in by later issues)."""
