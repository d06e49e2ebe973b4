"""Printable documents: plain typed data in, bytes out (no database, no web framework).

- ``credential_sheet``: voter credential sheets (PDF, one per page or slips) and their CSV;
- ``notice``: the 公示 notice of a selection (Markdown, plain text, PDF);
- ``ethics_form``: the per-person 医德考评表 (PDF, one or a batch);
- ``excel``: unit and bureau grade exports and a generic ``write_table``;
- ``fonts``, ``qr``, ``layout``: the CJK font, QR codes and the page conventions they share.

See docs/documents.md for what each document contains and how fonts are found.
"""
