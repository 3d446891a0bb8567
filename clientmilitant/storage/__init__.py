"""The book on disk: strict YAML, atomic files, the lock, the load cache, undo history, chapter and source files."""
