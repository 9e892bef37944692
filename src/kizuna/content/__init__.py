"""Content: briefs, the draft review workflow, disclosure checks on drafts, live posts and brand reuse."""
