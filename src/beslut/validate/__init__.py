"""Stage 2, validate: pydantic models, the organisation profile, cross-file rules
and attachments; ``workspace.load_workspace`` runs load and validate over a workspace."""
