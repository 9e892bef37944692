"""Brand safety: per-workspace keyword categories (ja/en) scanned over creators' bios and captions.

``scanner`` matches terms (word boundaries for Latin script, careful substrings for Japanese) and returns every
hit with its context; ``defaults`` holds the starting categories; ``service`` stores a workspace's edited
categories and scans influencers.
"""
