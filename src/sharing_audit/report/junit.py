"""JUnit XML for any CI: a suite per consumer, a test case per finding, analysis errors as errors."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..engine import RunResult
from .interface import Formatter, evidence_text, lineage_text


class JUnitFormatter(Formatter):
    """Violations are failures, analysis errors are errors; waived, review and baselined are skipped."""

    def format(self, result: RunResult) -> str:  # noqa: D102
        root = ET.Element("testsuites", name="sharing-audit")
        by_consumer: dict[str, list] = {}  # type: ignore[type-arg]
        for f in result.findings:
            by_consumer.setdefault(f.consumer, []).append(f)
        for consumer, findings in sorted(by_consumer.items()):
            suite = ET.SubElement(root, "testsuite", name=f"consumer {consumer}")
            failures = skipped = 0
            for f in findings:
                case = ET.SubElement(suite, "testcase", classname=f.rule_id, name=f"{f.object}{'.' + f.output_column if f.output_column else ' <' + f.clause + '>'}", file=f.location.path, line=str(f.location.line))
                detail = f"{f.message}\n{evidence_text(f.evidence) if f.evidence else lineage_text(f)}"
                if f.blocking:
                    failures += 1
                    ET.SubElement(case, "failure", message=f.summary, type=f.rule_id).text = detail
                else:
                    skipped += 1
                    ET.SubElement(case, "skipped", message=f"{f.status}{': ' + f.waived_by if f.waived_by else ''}")
            suite.set("tests", str(len(findings)))
            suite.set("failures", str(failures))
            suite.set("skipped", str(skipped))
            suite.set("errors", "0")
        errors = ET.SubElement(root, "testsuite", name="analysis", tests=str(len(result.files) + len(result.notices)), errors=str(len(result.errors)), failures=str(sum(1 for n in result.notices if n.blocking)))
        for status in result.files:
            case = ET.SubElement(errors, "testcase", classname="analysis", name=status.path, file=status.path)
            for e in status.errors:
                ET.SubElement(case, "error", message=e.message, type=e.code).text = f"{e.path}:{e.line or 0}: {e.code}: {e.message}"
        for n in result.notices:
            case = ET.SubElement(errors, "testcase", classname="notice", name=f"{n.code} {n.object or n.path or ''}")
            if n.blocking:
                ET.SubElement(case, "failure", message=n.message, type=n.code)
        root.set("tests", str(sum(int(s.get("tests", "0")) for s in root)))
        root.set("failures", str(sum(int(s.get("failures", "0")) for s in root)))
        root.set("errors", str(len(result.errors)))
        ET.indent(root)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
