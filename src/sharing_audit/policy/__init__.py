"""Counsel's policies: the model and its YAML loader."""
