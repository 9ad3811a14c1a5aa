"""Documents from filing to review and discussion, extension and closing (owned by the docs1 work)."""


def register_sources():
    pass
