"""Click commands, one module per command family; cli.py only assembles them."""
