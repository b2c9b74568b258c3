"""Data quality: Great Expectations suites per dataset, batch validation with quarantine, Data Docs.

Public API (GX is imported lazily, on first validation, so importing this package stays cheap):
``include.quality.validate.validate_batch`` / ``ValidationOutcome`` / ``BatchRejected``,
``include.quality.suites.suite_for`` (and one function per dataset),
``include.quality.datadocs.build_data_docs``.
"""
