"""Git workflows: pre-merge diff, per-commit history audit, release archive against its tag."""
