"""The creator portal: a magic-link area outside any workspace where a creator works on one deal."""
