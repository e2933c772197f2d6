"""`invoke new-product`: a copy with its own id that checks cleanly; nothing existing is overwritten."""
import shutil

import pytest

from builder.errors import DossierError
from builder.pipeline import prepare
from builder.project import Project
from builder.commands.scaffold import new_product

from conftest import REPO, only_example


@pytest.fixture
def project(tmp_path):
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=only_example)
    return tmp_path


def test_a_new_product_gets_its_own_id_and_checks_cleanly(project):
    target = new_product(project, "zenotinib", "examplinib")
    assert target == project / "content/zenotinib"
    dossiers = prepare(Project(project), ["zenotinib"], ["fda"])
    assert dossiers[0].content.product.id == "zenotinib"
    original = (project / "content/examplinib/core/product.yaml").read_text(encoding="utf-8")
    copy = (project / "content/zenotinib/core/product.yaml").read_text(encoding="utf-8")
    assert copy == original.replace("  id: examplinib\n", "  id: zenotinib\n", 1)


@pytest.mark.parametrize("ident, code", [("examplinib", 4), ("Bad Id", 2)])
def test_existing_folders_and_bad_ids_are_refused(project, ident, code):
    with pytest.raises(DossierError) as caught:
        new_product(project, ident, "examplinib")
    assert caught.value.category == code
    assert not list((project / "content").glob(".new-*"))
