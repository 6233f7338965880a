"""The web page for staff (`gongkai serve`): search, agency trends, reports with provenance,
compare, coverage and quality, over the read-only snapshot. GET only; nothing writes."""
