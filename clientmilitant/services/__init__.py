"""What cm does, one job a module: outline, chapters, stats, check, feedback, sources, export. Plain data in and out."""
