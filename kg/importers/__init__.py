"""Importers of the field's public datasets into generated source files under data/imports/."""
