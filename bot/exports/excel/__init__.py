"""Excel workbooks: the report (written in openpyxl's streaming write-only mode), the content-plan template, and
the reader that turns a content plan into plain cells for ``handlers.plan_import``, with a clear message for every
kind of file it cannot take."""
