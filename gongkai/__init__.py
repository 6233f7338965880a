"""`import gongkai; gongkai.open(db)`: the notebook API (pipeline.api) under the project's name."""

from pipeline.api import Gongkai, QueryError, Years, open

__all__ = ["Gongkai", "QueryError", "Years", "open"]
