"""Comparison queries over agencies, regions and years (shared by the CLI and pipeline.api)."""
