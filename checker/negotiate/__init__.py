"""Negotiate: from a reviewed assessment to what a lawyer sends the vendor.

:mod:`.drafting` puts the library's model clauses in the contract's own party names and the playbook's
numbers; :mod:`.points` turns the open gaps into negotiation points (the ask, the reason, the evidence,
the fallback); :mod:`.redline` writes them into the vendor's own DOCX as tracked changes with a Word
comment each; :mod:`.addendum` drafts a security addendum with numbered clauses; :mod:`.memo` writes a
negotiation memo grouped by severity (DOCX, HTML or Markdown).
"""
