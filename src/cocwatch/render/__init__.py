"""Build output (tables, JSON, CSV, Markdown, HTML) from results; the CLI prints it."""
