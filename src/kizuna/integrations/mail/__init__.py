"""SMTP submission and IMAP polling, returning plain data (no business rules, no ORM)."""
