"""gongkai: government information-disclosure annual reports into DuckDB."""

__version__ = "0.1.0"
