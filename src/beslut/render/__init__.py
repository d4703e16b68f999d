"""Stage 3, render: cases and the kallelse to .docx through docxtpl, Markdown into
Word, and the reproducible templates."""
