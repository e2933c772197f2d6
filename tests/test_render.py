"""Rendering cannot lose text: specials verbatim, no template evaluation of content, refusals named."""
import io

import docx
import pytest

from builder.errors import DossierError
from builder.markdown import ListNumbers, render as render_markdown
from builder.ooxml.blocks import Block
from builder.render import TemplateFile, check_template, find_template, render

from conftest import REPO

LABELS = {"page_before": "Page ", "page_middle": " of ", "page_after": ""}


def doc(**over):
    values = {"product": "P", "section": "3.2.P.5.1", "title": "Specification(s)",
              "heading": "3.2.P.5.1 Specification(s)", "subject": "Drug product: P"}
    return {**values, **over}


def narrative():
    return find_template(REPO / "templates", "fda", "narrative")


@pytest.mark.parametrize("text", [
    "NMT 0.5% & < 1.0 \"q\" 'a' >",
    "x </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>BOLD",
    "{{ 7*7 }} {% for x in range(3) %}X{% endfor %}",
    "0.50 007 12E4 1_000 0x1F",
])
def test_content_text_comes_out_verbatim(text):
    blocks = render_markdown(text.replace("*", "\\*").replace("_", "\\_"), ListNumbers())
    data = render(narrative(), doc(subject=text), LABELS, blocks, "leaf")
    document = docx.Document(io.BytesIO(data))
    assert document.paragraphs[1].text == text
    assert document.paragraphs[2].text == text
    assert not any(r.bold for r in document.paragraphs[2].runs)


def test_headers_escape_specials_too():
    data = render(narrative(), doc(product="A & B <Tablets>"), LABELS, [], "leaf")
    assert docx.Document(io.BytesIO(data)).sections[0].header.paragraphs[0].text.startswith("A & B <Tablets>")


@pytest.mark.parametrize("value, message", [(None, "None"), ("  ", "blank"), (3, "int")])
def test_none_blank_and_non_text_values_are_refused_naming_the_leaf(value, message):
    with pytest.raises(DossierError) as caught:
        render(narrative(), doc(subject=value), LABELS, [], "m3/x/leaf.docx")
    assert caught.value.category == 3
    assert message in str(caught.value) and "m3/x/leaf.docx" in str(caught.value)


def test_a_missing_value_is_an_error_not_a_blank():
    values = doc()
    del values["subject"]
    with pytest.raises(DossierError) as caught:
        render(narrative(), values, LABELS, [], "leaf")
    assert "subject" in str(caught.value)


def test_malformed_block_xml_fails_instead_of_being_repaired():
    with pytest.raises(DossierError) as caught:
        render(narrative(), doc(), LABELS, [Block("<w:p><w:r><w:t>a</w:r></w:p>")], "leaf")
    assert "not well-formed" in str(caught.value)


def test_templates_using_unknown_names_are_refused_before_rendering(tmp_path):
    from docx import Document

    template = tmp_path / "bad.docx"
    document = Document(io.BytesIO(narrative().data))
    document.paragraphs[1].runs[0].text = "{{ acceptance_critera }}"
    document.save(template)
    with pytest.raises(DossierError) as caught:
        check_template(TemplateFile("bad", template, "templates/bad.docx", template.read_bytes()), LABELS)
    assert caught.value.category == 3 and "acceptance_critera" in str(caught.value)


def test_region_templates_override_common_ones_and_fall_back():
    assert find_template(REPO / "templates", "nmpa", "narrative").display == "templates/nmpa/narrative.docx"
    assert find_template(REPO / "templates", "fda", "narrative").display == "templates/common/narrative.docx"
    with pytest.raises(DossierError) as caught:
        find_template(REPO / "templates", "fda", "no-such-template")
    assert caught.value.category == 4
