"""What `build` and `check` print besides errors: the findings table and what was built."""
from __future__ import annotations

import json
from pathlib import Path


def show_findings(diags) -> None:
    """Warnings and justified findings, as a table: severity, code, location, field and message."""
    shown = [d for d in diags.items if d.severity != "error"]
    if not shown:
        return
    width = max(len(str(d.origin or "")) for d in shown)
    print(f"{'severity':<10} {'code':<6} {'location':<{width}}  field: message")
    for d in sorted(shown, key=lambda d: (str(d.origin or ""), d.code)):
        print(f"{d.severity:<10} {d.code:<6} {str(d.origin or ''):<{width}}  {d.field}: {d.message}")


def built_folders(root: Path, folders: list[Path]) -> list[str]:
    """One line per published region folder: its path and how many documents its manifest lists."""
    lines = []
    for folder in folders:
        leaves = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["leaves"]
        findings = folder / "findings.json"
        verdicts = json.loads(findings.read_text(encoding="utf-8")).get("verdicts") if findings.is_file() else None
        tally = (f"; {verdicts['checked']} of {verdicts['pairs']} result/criterion pairs checked, "
                 f"{verdicts['not_checked']} not checked") if verdicts else ""
        lines.append(f"{folder.relative_to(root)}: {len(leaves)} documents{tally}")
    return lines
