"""Streaming, scoped, all-or-nothing imports of CSV and XLSX files (issue 5).

- `reading` turns a file into a header and a stream of rows (encoding and separator found
  without holding the file in memory).
- `values` parses one cell: dates, counts with thousands separators, choices, text.
- `engine` maps the header, validates every row, collects row errors and, only when no row
  failed and the caller asked for it, writes everything in one transaction.
- Each format lives with its app: `organizations.imports`, `members.imports`,
  `reports.imports` (yearly figures and targets).
"""
