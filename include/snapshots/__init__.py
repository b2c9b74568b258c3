"""Bulk registry snapshots: the Companies House Free Company Data Product and the GLEIF Golden Copy.

A monthly snapshot puts millions of registry entities in the warehouse, so that most employer names
resolve locally (``include.engine.bulk_resolve``) and only the misses cost an API call.
``companies_house`` and ``gleif`` know each file's format, ``load`` streams a file into
``registry_entities`` / ``registry_names``, ``generate`` writes fictional files in the same formats.
"""
