"""The library of source posts: archives (sources/<id>.md), importers for every blog format cm
reads, matching with the registry in outline.yaml, and suggestions of posts for a section.

Modules: archive (the files), dates (French/English dates → ISO 8601), posts (what importers
give; HTML → Markdown), textdump, feeds, wxr, movabletype (the formats), importer (detection and
merging), library (list, show, add, link, unlink, remove), suggest (BM25 ranking).
"""
