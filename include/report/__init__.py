"""The daily HR report: ``data.load_report_data`` reads the warehouse into a ``models.ReportData``;
``render.build_report`` writes ``report-<day>-<locale>.html`` and ``.csv``; ``reviews`` gives the
employer-brand section; ``i18n`` holds the message catalogues (en, zh_CN)."""
