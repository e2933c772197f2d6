"""Every (result, criterion) pair of a dossier judged, counted and reported.

Batch analyses are judged against the release criterion, stability results against the shelf-life
one. Each pair ends as conforms, out of specification or not checked; not checked is a warning
naming the result, the criterion and both lines, so nobody reads a green table that was never
checked. Cells typed as not evaluated (NT, –) are counted as not checked and listed once per batch
or study, since a not-yet-due time point is a fact to state, not a mistake per cell.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Diagnostic
from .measure import Reading
from .verdict import CONFORMS, ERROR, OOS


@dataclass
class Tally:
    """How many pairs exist and how each ended: the figures `invoke check` and findings.json report."""

    conforms: int = 0
    out_of_specification: int = 0
    not_checked: int = 0
    not_evaluated: int = 0
    errors: int = 0

    @property
    def pairs(self) -> int:
        return self.conforms + self.out_of_specification + self.not_checked + self.errors

    @property
    def checked(self) -> int:
        return self.conforms + self.out_of_specification

    def as_json(self) -> dict:
        return {"pairs": self.pairs, "checked": self.checked, "conforms": self.conforms,
                "out_of_specification": self.out_of_specification, "not_checked": self.not_checked,
                "of_which_not_evaluated": self.not_evaluated, "unreadable": self.errors}

    def summary(self) -> str:
        unread = f", {self.errors} unreadable" if self.errors else ""
        return (f"{self.checked} of {self.pairs} result/criterion pairs checked ({self.conforms} conform, "
                f"{self.out_of_specification} out of specification); {self.not_checked} not checked "
                f"({self.not_evaluated} not evaluated){unread}")


@dataclass
class Pairs:
    reading: Reading
    tally: Tally = field(default_factory=Tally)
    found: list = field(default_factory=list)

    def judge(self, test, criterion_text: str, criterion_at, result: str, result_at, path: str, what: str,
              codes: tuple[str, str], skipped: list, point: str = "") -> str:
        """Judge one pair; record its finding. `what` names it for a reviewer ("batch X, Assay")."""
        verdict = self.reading.verdict(test, criterion_text, result)
        oos_code, unchecked_code = codes
        note = f" [{verdict.note}]" if verdict.note else ""
        if verdict.outcome == CONFORMS:
            self.tally.conforms += 1
            if verdict.note:
                self.found.append(Diagnostic("F4006", f"{what} = {result} conforms to '{criterion_text}', but "
                                             f"{verdict.note}", result_at, path, "info"))
        elif verdict.outcome == OOS:
            self.tally.out_of_specification += 1
            self.found.append(Diagnostic(oos_code, f"out of specification: {what} = {result}, criterion "
                                         f"'{criterion_text}' ({verdict.reason}){note}", result_at, path))
        elif verdict.outcome == ERROR:
            self.tally.errors += 1
            self.found.append(Diagnostic("E2620", f"{what}: {verdict.reason}", result_at, path))
        elif verdict.reason == "not evaluated":
            self.tally.not_checked += 1
            self.tally.not_evaluated += 1
            skipped.append((test.test, point, result))
        else:
            self.tally.not_checked += 1
            self.found.append(Diagnostic(unchecked_code, f"not checked: {what} = {result} against '{criterion_text}' "
                                         f"({criterion_at}): {verdict.reason}{note}", result_at, path, "warning"))
        return verdict.outcome if not verdict.reason.startswith("meets stage 2") else "stage-2"

    def not_evaluated(self, code: str, skipped: list, where, path: str, whose: str) -> None:
        """One warning per batch or study: `Polymorphic form (XRPD) at 3, 6, 9 months: 'NT'`."""
        if not skipped:
            return
        points: dict = {}
        for test, point, value in skipped:
            points.setdefault((test, value), []).append(point)
        tests: dict = {}
        for (test, value), at in points.items():
            tests.setdefault((", ".join(p for p in at if p), value), []).append(test)
        parts = [f"{', '.join(names)}{' at ' + at if at else ''}: '{value}'" for (at, value), names in tests.items()]
        self.found.append(Diagnostic(code, f"{len(skipped)} result{'s' if len(skipped) > 1 else ''} of {whose} not "
                                     f"evaluated, so not checked ({'; '.join(parts)})", where, path, "warning"))


def batch_results(content, pairs: Pairs, owners) -> None:
    """Every batch result against the release criterion that applied to it."""
    for owner, path, _ in owners:
        tests = {t.id: t for t in owner.specification.tests} if owner.specification else {}
        for batch in owner.batches:
            skipped: list = []
            for test_id, result in batch.results.items():
                test = tests.get(test_id)
                if test is None:
                    continue
                where = f"{path}.batches[{batch.id}].results.{test_id}"
                outcome = pairs.judge(test, test.release, test.where("release"), result,
                                      batch.where(f"results.{test_id}"), where, f"batch {batch.number}, {test.test}",
                                      ("F4101", "F4104"), skipped)
                if outcome == "stage-2":
                    pairs.found.append(Diagnostic("F4102", f"batch {batch.number}, {test.test} = {result} meets "
                                                  "stage 2 (S2), not stage 1", batch.where(f"results.{test_id}"),
                                                  where, "warning"))
            pairs.not_evaluated("F4105", skipped, batch.where("results"), f"{path}.batches[{batch.id}]",
                                f"batch {batch.number}")


def stability_results(content, pairs: Pairs, owners) -> None:
    """Every stability result against the shelf-life criterion (release where none differs)."""
    for owner, path, _ in owners:
        tests = {t.id: t for t in owner.specification.tests} if owner.specification else {}
        for study in owner.stability.studies if owner.stability else ():
            skipped: list = []
            unit = study.time_unit or "months"
            for test_id, values in study.results.items():
                test = tests.get(test_id)
                if test is None:
                    continue
                criterion = test.shelf_life or test.release
                at = test.where("shelf_life" if test.shelf_life else "release")
                for index, (point, value) in enumerate(zip(study.timepoints, values)):
                    pairs.judge(test, criterion, at, value, study.where(f"results.{test_id}[{index}]"),
                                f"{path}.stability.studies[{study.id}].results.{test_id}",
                                f"{study.id} ({study.condition}) at {point} {unit}, {test.test}",
                                ("F4201", "F4204"), skipped, f"{point} {unit}")
            pairs.not_evaluated("F4205", skipped, study.where("results"), f"{path}.stability.studies[{study.id}]",
                                f"study {study.id}")


def criteria_understood(owners, reading: Reading) -> list[Diagnostic]:
    """A criterion the builder cannot read is said so at its own line, once, whether or not results exist."""
    found = []
    for owner, path, _ in owners:
        for test in owner.specification.tests if owner.specification else ():
            for name in ("release", "shelf_life"):
                text = getattr(test, name)
                criterion = reading.criterion(test, text) if text else None
                if criterion is not None and not criterion.understood:
                    found.append(Diagnostic("F4001", f"{test.test}: criterion '{text}' is not understood "
                                            f"({criterion.reason}); its results will not be checked",
                                            test.where(name), f"{path}.specification.tests[{test.id}].{name}",
                                            "warning"))
    return found

