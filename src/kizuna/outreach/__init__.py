"""Outreach: mailboxes, sandboxed templates, versioned sequences, exactly-once sending and reply detection."""
