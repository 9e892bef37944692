"""The influencer registry: profiles across platforms, derived metrics and tiers, import and export."""
