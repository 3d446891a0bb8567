"""cm — a workbench for writing a book from a plan (*Le client militant*)."""

__version__ = "0.1.0"
