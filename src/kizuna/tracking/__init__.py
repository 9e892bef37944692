"""Tracking links (``/r/{code}``), click logging, QR codes, promo codes and conversions (orders + attribution)."""
