"""Generated sentences: what the numbers say, in the user's language (headlines, reasons, advice)."""
