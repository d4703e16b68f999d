"""The model: pydantic models of profile, case and meeting, and the Swedish vocabulary
(how a date, an amount, a decision point is written). Imports nothing from the stages."""
