"""Template parts are compiled once per process, and what is compiled once still renders strictly."""
from __future__ import annotations

import pytest
from jinja2 import UndefinedError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from builder.budget import BudgetedEnvironment, BudgetExceeded
from builder.render import RenderValueError, environment


@pytest.fixture()
def compiles(monkeypatch):
    monkeypatch.setattr(BudgetedEnvironment, "_compiled", type(BudgetedEnvironment._compiled)())
    seen = []
    real = SandboxedEnvironment.compile

    def counting(self, source, *args, **kwargs):
        seen.append(source)
        return real(self, source, *args, **kwargs)

    monkeypatch.setattr(SandboxedEnvironment, "compile", counting)
    return seen


def test_each_source_is_compiled_once_across_environments(compiles):
    for name in ("a", "b", "c"):
        assert environment().from_string("<p>{{ doc.title }}</p>").render(doc={"title": name}) == f"<p>{name}</p>"
    assert compiles == ["<p>{{ doc.title }}</p>"]


def test_a_cached_template_still_escapes_refuses_and_counts(compiles):
    source = "{{ doc.title }}"
    environment().from_string(source).render(doc={"title": "ok"})
    assert environment().from_string(source).render(doc={"title": "a < b"}) == "a &lt; b"
    assert environment().from_string(source).render(doc={"title": Markup("<b>x</b>")}) == "<b>x</b>"
    with pytest.raises(UndefinedError):
        environment().from_string(source).render(doc={})
    with pytest.raises(RenderValueError):
        environment().from_string(source).render(doc={"title": None})
    big = environment()
    big.printed = 20_000_000
    with pytest.raises(BudgetExceeded):
        big.from_string(source).render(doc={"title": "one more"})
    assert compiles == [source]


def test_environments_with_other_options_do_not_share_code(compiles):
    source = "{{ x }}"
    assert BudgetedEnvironment(autoescape=False).from_string(source).render(x="<i>") == "<i>"
    assert BudgetedEnvironment(autoescape=True).from_string(source).render(x="<i>") == "&lt;i&gt;"
    assert len(compiles) == 2


def test_rendering_takes_each_leafs_blocks_as_the_check_built_them(monkeypatch):
    """The check builds each leaf's blocks at its template's width; rendering builds none again, and a
    leaf rendered from blocks built anew has the same bytes."""
    from dataclasses import replace

    import builder.pipeline as pipeline
    from builder.project import Project

    from conftest import REPO

    dossier = pipeline.prepare(Project(REPO), ["examplinib"], ["nmpa"])[0]
    assert set(dossier.blocks) == {leaf.path for leaf in dossier.leaves}
    leaves = [leaf for leaf in dossier.leaves if leaf.kind in ("specification", "narrative")][:3]
    assert len(leaves) == 3
    built, calls = {}, []
    import builder.rendering as rendering

    real = rendering.leaf_blocks
    monkeypatch.setattr(rendering, "leaf_blocks", lambda *args: calls.append(args[1].path) or real(*args))
    for leaf in leaves:
        built[leaf.path] = pipeline.leaf_bytes(Project(REPO), dossier, leaf, {})
    assert calls == []
    anew = replace(dossier, blocks=None)
    assert {leaf.path: pipeline.leaf_bytes(Project(REPO), anew, leaf, {}) for leaf in leaves} == built
    assert calls == [leaf.path for leaf in leaves]
