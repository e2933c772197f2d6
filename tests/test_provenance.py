"""Which content values a leaf renders is recorded as its views read them; the paths match `explain`'s."""

from builder.commands.explain import lines
from builder.pipeline import prepare
from builder.project import Project
from builder.provenance import renders

from conftest import REPO


def test_every_leaf_records_reads_of_values_that_exist_in_the_merged_content():
    for dossier in prepare(Project(REPO), ["examplinib"]):
        paths = [path for path, _ in lines(dossier.tree)]
        for leaf in dossier.leaves:
            used = [p for p in paths if renders(leaf, p)]
            assert len(used) > 1, (dossier.region, leaf.path, sorted(leaf.reads.paths))
            assert leaf.reads.lines, leaf.path


def test_a_specification_criterion_maps_to_specification_batch_and_stability_leaves():
    dossier = next(iter(prepare(Project(REPO), ["examplinib"], ["fda"])))
    path = "drug_products[examplinib-fct].specification.tests[assay].release"
    # 3.2.P.8.3 prints the shelf-life criterion where a test has one: the release one is not read there
    assert sorted({leaf.number for leaf in dossier.leaves if renders(leaf, path)}) == ["3.2.P.5.1", "3.2.P.5.4"]
    path = "drug_products[examplinib-fct].specification.tests[assay].shelf_life"
    assert "3.2.P.8.3" in {leaf.number for leaf in dossier.leaves if renders(leaf, path)}


def test_one_narrative_entry_is_read_by_its_own_leaf_only():
    dossier = next(iter(prepare(Project(REPO), ["examplinib"], ["fda"])))
    path = "drug_substances[examplinib-mesylate-acme].narrative.3.2.S.2.4"
    assert [leaf.number for leaf in dossier.leaves if renders(leaf, path)] == ["3.2.S.2.4"]
