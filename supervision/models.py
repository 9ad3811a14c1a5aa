"""Models of the supervision app (filled in by later issues)."""
