"""integrity: find changes that should not be there in trusted source trees."""

__version__ = "0.1.0"
