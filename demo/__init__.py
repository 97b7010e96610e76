"""The demo campaign: a deterministic provincial selection run end to end."""
