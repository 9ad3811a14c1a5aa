"""The documents of a penalty case: one DocumentSource per document type (see enforcement.documents.sources),
registered by ``register_sources()`` from ``CasesConfig.ready()``.

investigation.py  filing → investigation → report → handling → review → discussion, extension, closing
decision.py       notice, hearing, statement, decision (unit/individual), no-penalty, summary, delivery receipt,
                  payment plan, reminder, surcharge, court application
../casefile.py    the case file (案卷), issued when the case is archived
"""


def register_sources():
    from cases.penalties import casefile
    from cases.penalties.documents import decision, investigation

    investigation.register_sources()
    decision.register_sources()
    casefile.register_source()  # 案卷（首页）: the whole case file (archive)
