"""Fields of the steps from statement and hearing to delivery and execution (owned by the docs2 work)."""
