"""Kizuna (絆): influencer outreach platform."""

__version__ = "0.1.0"
