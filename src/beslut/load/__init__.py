"""Stage 1, load: read YAML and Markdown files with the position of every value."""
