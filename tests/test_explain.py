"""`invoke explain` shows each merged value with the file:line it came from and what an overlay replaced."""
from builder.commands.explain import explain

from conftest import REPO


def test_explain_marks_overlay_replacements_and_core_values():
    out = explain(REPO, "examplinib", "fda", "drug_products[examplinib-fct].specification.tests[dissolution]")
    procedure = out.index(next(line for line in out if line.endswith(".procedure = 'USP <711> / AP-P-002'")))
    assert out[procedure + 1].strip().startswith("content/examplinib/fda.yaml:")
    assert "replaces content/examplinib/core/drug-product.yaml:" in out[procedure + 1]
    release = out.index(next(line for line in out if ".release = " in line))
    assert out[release + 1].strip().startswith("content/examplinib/core/drug-product.yaml:")
    assert "[" not in out[release + 1]
    identifier = out.index(next(line for line in out if line.endswith(".id = 'dissolution'")))
    assert "replaces" not in out[identifier + 1]


def test_explain_marks_records_an_overlay_adds():
    out = "\n".join(explain(REPO, "examplinib", "nmpa", "regional"))
    assert "added by content/examplinib/nmpa.yaml" in out
