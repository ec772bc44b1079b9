"""Loading and validating the text world into flat tables: records, maps, monsters."""
