"""One module per family of records, re-exported here for Django."""
