"""Payments to creators: payables per deliverable, due dates from terms, Japanese invoices and withholding."""
