"""A template prepared once renders each leaf to the very parts docxtpl's own round trip gives."""
from __future__ import annotations

import io

import docx
import pytest

from builder.errors import DossierError
from builder.ooxml.compiled import CompiledTemplate, compiled
from builder.ooxml.docxtpl_strict import StrictTemplate
from builder.ooxml.package import read_package, write_package
from builder.pipeline import prepare
from builder.project import Project
from builder.render import TemplateFile, _escaped, environment, find_template, render_parts

from conftest import REPO

LABELS = {"page_before": "Page ", "page_middle": " of ", "page_after": ""}


def docxtpl_parts(data: bytes, context: dict) -> dict[str, bytes]:
    tpl = StrictTemplate(io.BytesIO(data))
    tpl.render(context, jinja_env=environment(), autoescape=True)
    return tpl.parts()


def context(dossier, leaf) -> dict:
    doc = {"product": dossier.content.product.name, "section": leaf.number, "title": leaf.title,
           "heading": leaf.heading, "subject": leaf.subject}
    return {"doc": doc, "labels": dict(_escaped(dossier.profile.labels)), "blocks": dossier.blocks[leaf.path][1]}


@pytest.fixture(scope="module")
def dossiers():
    return prepare(Project(REPO), ["examplinib", "examparvovec"], ["fda", "nmpa"])


def test_every_shipped_template_renders_the_parts_docxtpl_gives(dossiers):
    """Two leaves per template and pair (every shipped template, English and Chinese), part for part,
    in the same order."""
    seen = set()
    for dossier in dossiers:
        per_template: dict = {}
        for leaf in dossier.leaves:
            per_template.setdefault(leaf.template, []).append(leaf)
        for name, leaves in per_template.items():
            template = find_template(REPO / "templates", dossier.region, name)
            seen.add(template.display)
            for leaf in leaves[:2]:
                fast = compiled(template.data).render(context(dossier, leaf), environment())
                slow = docxtpl_parts(template.data, context(dossier, leaf))
                assert list(fast) == list(slow)
                assert fast == slow, leaf.path
    assert len(seen) >= 10 and any("nmpa" in t for t in seen)


def _template(tmp_path, change) -> TemplateFile:
    data = find_template(REPO / "templates", "fda", "narrative").data
    document = docx.Document(io.BytesIO(data))
    change(document)
    path = tmp_path / "t.docx"
    document.save(path)
    return TemplateFile("t", path, "templates/t.docx", path.read_bytes())


def _doc(**over) -> dict:
    return {"product": "P & Q", "section": "3.2.P.5.1", "title": "Specification(s)",
            "heading": "3.2.P.5.1 Specification(s)", "subject": "Drug product: P", **over}


def test_jinja_in_core_properties_and_the_header_renders_as_docxtpl_renders_it(tmp_path):
    def change(document):
        document.core_properties.title = "{{ doc.title }}"
        document.core_properties.subject = "{{ doc.subject }} <x>"
        document.sections[0].header.paragraphs[0].text = "{{ doc.product }} / {{ doc.section }}"
    template = _template(tmp_path, change)
    ctx = {"doc": _doc(), "labels": dict(_escaped(LABELS)), "blocks": []}
    fast = compiled(template.data).render(ctx, environment())
    assert fast == docxtpl_parts(template.data, ctx)
    rendered = docx.Document(io.BytesIO(write_package(fast)))
    assert rendered.core_properties.title == "Specification(s)"
    assert rendered.sections[0].header.paragraphs[0].text == "P & Q / 3.2.P.5.1"


def test_a_template_with_footnotes_renders_the_docxtpl_way(tmp_path):
    parts = read_package(find_template(REPO / "templates", "fda", "narrative").data)
    parts["word/footnotes.xml"] = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w='
                                   b'"http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", (
        b'<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'wordprocessingml.footnotes+xml"/></Types>'))
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(b"</Relationships>", (
        b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'footnotes" Target="footnotes.xml"/></Relationships>'))
    data = write_package(parts)
    assert compiled(data) is None
    out = render_parts(TemplateFile("t", tmp_path / "t.docx", "templates/t.docx", data), _doc(), LABELS, [], "leaf")
    assert "word/footnotes.xml" in out and b"P &amp; Q" in out["word/header1.xml"]


@pytest.mark.parametrize("value, message", [(None, "None"), ("  ", "blank"), (3, "int")])
def test_refusals_hold_on_the_prepared_template(value, message):
    template = find_template(REPO / "templates", "fda", "narrative")
    assert isinstance(compiled(template.data), CompiledTemplate)
    with pytest.raises(DossierError) as caught:
        render_parts(template, _doc(subject=value), LABELS, [], "m3/x/leaf.docx")
    assert caught.value.category == 3
    assert message in str(caught.value) and "m3/x/leaf.docx" in str(caught.value)


def test_a_missing_value_and_malformed_block_xml_fail_on_the_prepared_template():
    from builder.ooxml.blocks import Block

    template = find_template(REPO / "templates", "fda", "narrative")
    values = _doc()
    del values["subject"]
    with pytest.raises(DossierError) as caught:
        render_parts(template, values, LABELS, [], "leaf")
    assert "subject" in str(caught.value)
    with pytest.raises(DossierError) as caught:
        render_parts(template, _doc(), LABELS, [Block("<w:p><w:r><w:t>a</w:r></w:p>")], "leaf")
    assert "not well-formed" in str(caught.value)


def test_a_leaf_cannot_change_what_the_next_leaf_renders_from(tmp_path):
    """The prepared template is shared by every leaf: rendering one leaves its sources and parts as they were."""
    template = find_template(REPO / "templates", "fda", "narrative")
    prepared = compiled(template.data)
    before = (prepared.body, dict(prepared.parts), [s[2] for s in prepared.sections])
    first = prepared.render({"doc": _doc(), "labels": dict(_escaped(LABELS)), "blocks": []}, environment())
    prepared.render({"doc": _doc(product="Other", title="T"), "labels": dict(_escaped(LABELS)), "blocks": []},
                    environment())
    assert (prepared.body, dict(prepared.parts), [s[2] for s in prepared.sections]) == before
    assert prepared.render({"doc": _doc(), "labels": dict(_escaped(LABELS)), "blocks": []}, environment()) == first


def test_post_processing_on_kept_trees_gives_the_bytes_of_step_by_step_serialisation(dossiers, monkeypatch):
    """The steps share each part's parsed tree (`ooxml.steps.Parts`); a leaf comes out as when every
    step parsed and serialised its part itself (plain dicts), in English and in Chinese."""
    import builder.pipeline as pipeline
    import builder.rendering as rendering

    class Plain(dict):
        def finished(self):
            return dict(self)

    for dossier in dossiers:
        leaves = [leaf for leaf in dossier.leaves if leaf.kind in ("specification", "narrative", "stability-data")]
        template = {leaf.template: find_template(REPO / "templates", dossier.region, leaf.template) for leaf in leaves}
        for leaf in leaves[:4]:
            kept = pipeline.finish(pipeline.render_leaf(dossier, leaf, template[leaf.template]), dossier, leaf)
            with monkeypatch.context() as patch:
                patch.setattr(rendering, "Parts", Plain)
                plain = pipeline.finish(pipeline.render_leaf(dossier, leaf, template[leaf.template]), dossier, leaf)
            assert kept == plain, leaf.path


def test_resolve_listing_is_docxtpls_own_on_every_rendered_part(dossiers):
    """The shortcut (no tab, line feed, BEL or form feed: nothing to do) changes nothing docxtpl would
    not: on rendered parts, and on text with each of the four characters."""
    from docxtpl import DocxTemplate

    tpl = StrictTemplate(io.BytesIO(b""))
    dossier = dossiers[-1]
    samples = [b"".join(block.xml.encode() for block in dossier.blocks[leaf.path][1]).decode()
               for leaf in dossier.leaves[:40]]
    samples += [f'<w:p><w:pPr/><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">a{ch}b</w:t></w:r></w:p>'
                for ch in "\t\n\a\f"]
    for xml in samples:
        assert tpl.resolve_listing(xml) == DocxTemplate.resolve_listing(tpl, xml)
    assert tpl.resolve_listing(samples[-1]) != samples[-1]


def test_core_properties_ending_in_a_line_end_render_as_docxtpl_renders_them(tmp_path):
    def change(document):
        document.core_properties.subject = "ends with a line end\n"
    template = _template(tmp_path, change)
    assert compiled(template.data).core_xml is None
    ctx = {"doc": _doc(), "labels": dict(_escaped(LABELS)), "blocks": []}
    assert compiled(template.data).render(ctx, environment()) == docxtpl_parts(template.data, ctx)


def test_a_templates_pass_is_remembered_and_a_refusal_never(tmp_path, monkeypatch):
    """A passing check is kept by the template's bytes and the labels (in this process and in the
    content cache); other labels, other bytes or a refusal run the checks again."""
    import builder.render as render
    from builder.content_cache import ContentCache

    template = _template(tmp_path, lambda document: None)
    runs = []
    real = render._check_template
    monkeypatch.setattr(render, "_check_template", lambda t, labels: runs.append(t.display) or real(t, labels))
    monkeypatch.setattr(render, "_PASSED", set())
    cache = ContentCache(tmp_path / "cache")
    render.check_template(template, LABELS, cache)
    render.check_template(template, LABELS, cache)
    assert len(runs) == 1 and cache.flush() == 1
    monkeypatch.setattr(render, "_PASSED", set())  # a new run: the verdict comes from the cache
    render.check_template(template, LABELS, ContentCache(tmp_path / "cache"))
    assert len(runs) == 1
    render.check_template(template, {**LABELS, "page_after": "."}, cache)
    assert len(runs) == 2
    bad = _template(tmp_path, lambda document: setattr(document.paragraphs[1].runs[0], "text", "{{ nope }}"))
    for _ in range(2):
        with pytest.raises(DossierError):
            render.check_template(bad, LABELS, cache)
    assert len(runs) == 4 and not any("template-" in k and v is not True for k, v in cache._records.items())
