"""Agencies: stable ids from normalised names, types, regions, and the user's alias file."""

from pipeline.agencies.aliases import Alias, AliasError, read_aliases
from pipeline.agencies.build import refresh_agencies, refresh_indicators
from pipeline.agencies.names import agency_id, agency_type, normalise_name

__all__ = ["Alias", "AliasError", "agency_id", "agency_type", "normalise_name", "read_aliases",
           "refresh_agencies", "refresh_indicators"]
