"""Penalty cases (行政处罚案件): the case, its procedure as a state machine, the documents of every step, deadlines
on the working-day calendar, evidence and the case file (R-14, R-15, R-17, R-20, R-21, R-22).

models.py      the case, parties, violations, step records, history, deadlines, deliveries, payments, evidence
signals.py     every transition becomes a CaseEvent
services.py    every state change (one transaction, row lock, gates, audit, documents, deadlines)
gates.py       the legal gates, each refusing with the article it implements
kinds.py       the penalty kinds and their severity order (第45条: no heavier decision than notified)
deadlines.py   which deadline each step starts, computed through enforcement.workdays
steps.py       the fields of each kind of step record (forms)
documents/     the document sources of every step (context builders) and the case file
evidence.py    evidence upload (chunked, resumable), hashing, type checks, scoped download
queries.py     scoped lists: my cases, review queue, approvals, the deadline board
views.py urls.py forms.py api.py filters.py todo.py tasks.py
"""
