"""Documents from the notice to execution, the summary procedure and 不予处罚 (owned by the docs2 work)."""


def register_sources():
    pass
