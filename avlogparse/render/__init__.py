"""Renderers: records and reports to text, JSON and the other output formats."""
