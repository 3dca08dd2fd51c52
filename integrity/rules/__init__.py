"""Rules: loading and validating signatures/*.toml."""
