"""Disclosure compliance: checks that sponsored posts are clearly labelled as ads (ステマ告示, FTC, ASA, ASCI).

The rules live as data in ``rules/<jurisdiction>.json``; ``engine.check`` applies them and ``service`` is what
other domains call on drafts, live posts and brand reuse. See ``docs/guide/compliance.md``.
"""
