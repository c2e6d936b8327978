"""``python -m checker.report``: regenerate the published JSON Schema of the report."""

from __future__ import annotations

from checker.report.json_report import SCHEMA_PATH, schema_text

if __name__ == "__main__":
    SCHEMA_PATH.write_text(schema_text(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
