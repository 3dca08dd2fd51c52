"""Review: waivers and signed release sign-off."""
