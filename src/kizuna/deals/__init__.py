"""Deals: offers and counter-offers, rate guidance, agreements (issue 6, lifecycle step 5)."""
