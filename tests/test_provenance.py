"""Every section kind declares which content values it renders, and the paths match `explain`'s."""

from builder.commands.explain import lines
from builder.pipeline import prepare
from builder.project import Project
from builder.provenance import KIND_FIELDS, leaf_prefixes, renders
from builder.views import KINDS

from conftest import REPO


def test_every_kind_declares_its_fields():
    assert set(KIND_FIELDS) == set(KINDS)


def test_every_leaf_renders_values_that_exist_in_the_merged_content():
    for dossier in prepare(Project(REPO), ["examplinib"]):
        paths = [path for path, _ in lines(dossier.tree)]
        for leaf in dossier.leaves:
            used = [p for p in paths if renders(leaf, p)]
            assert len(used) > 1, (dossier.region, leaf.path, leaf_prefixes(leaf))


def test_a_specification_criterion_maps_to_specification_batch_and_stability_leaves():
    dossier = next(iter(prepare(Project(REPO), ["examplinib"], ["fda"])))
    path = "drug_products[examplinib-fct].specification.tests[assay].release"
    assert sorted({leaf.number for leaf in dossier.leaves if renders(leaf, path)}) == ["3.2.P.5.1", "3.2.P.5.4", "3.2.P.8.3"]
