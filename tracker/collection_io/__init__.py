"""Bringing a collection in (CSV, plain text, JSON backup) and getting it out (CSV, JSON backup).

- `columns`: the column names recognised (this app's, CLZ Movies', Letterboxd's) and each field's parser.
- `cells`: the cell value parsers, each giving a value, a problem, a warning or a reason to skip.
- `reading`: an uploaded file's bytes to rows, or an `ImportFileError` that changes nothing.
- `matching`: which TMDB film a row is (`RowMatcher`), from candidates for a title and year scored with a confidence.
- `planning`: what each row would do (add, duplicate, error, skip), with the model's validation.
- `jobs`: the two phases of an import job (match, then import), run by a Celery task or a command.
- `exporting`: the CSV export; `backup`: the JSON backup, written and read.
- `profiler`: DVD Profiler's XML export; `rows`: the row and error types.
"""
