"""Bringing a collection in (CSV, plain text, JSON backup) and getting it out (CSV, JSON backup).

- `columns`: the column names recognised (this app's, CLZ Movies', Letterboxd's) and the value parsers.
- `reading`: an uploaded file's bytes to rows, or an `ImportFileError` that changes nothing.
- `matching`: TMDB candidates for a title and year, with a confidence.
- `planning`: what each row would do (add, duplicate, error, skip), with the model's validation.
- `jobs`: the two phases of an import job (match, then import), run by a Celery task or a command.
- `exporting`: the CSV export and the JSON backup.
"""
