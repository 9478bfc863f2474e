"""The school's reports (REP-1..8, CT-2): computed here as core.model.reports.Report, drawn and
written by documents.reports. The entry point is core.services.reports.catalog.make_report; the
names and titles are catalog.KINDS."""
