"""Regions: administrative divisions (province / city / county / township) with codes."""

from pipeline.regions.parse import Region, parse_region

__all__ = ["Region", "parse_region"]
