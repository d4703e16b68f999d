"""Stage 4, convert: .docx to PDF through LibreOffice headless, behind one seam
(``Converter``)."""
