"""Reports: the monthly billing report, the daily close and QR label sheets as PDF (reportlab, with the
bundled WenQuanYi Micro Hei embedded), and CSV/XLSX exports. Data first (plain dataclasses from one
session), layout second, so the figures in a PDF are exactly what the tests compare with the ledger."""
