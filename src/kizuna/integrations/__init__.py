"""Adapters for outside systems (SMTP/IMAP, platforms, shops): they return plain data and hold no rules."""
