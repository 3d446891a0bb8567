"""The pure book: its tree, ids, numbering, placement, validation and text helpers. No files, no I/O."""
