"""The XML namespaces of a Word package, named once (WordprocessingML, relationships, packaging, DrawingML).

Every module that reads or writes package XML takes its namespace URIs and Clark-notation helpers
from here, so a namespace is never misspelt in one place (the strict-OOXML `purl.oclc.org` variant is
listed too, because the template preflight must recognise it).
"""
from __future__ import annotations

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_STRICT_NS = "http://purl.oclc.org/ooxml/wordprocessingml/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CP_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC_NS = "http://purl.org/dc/elements/1.1/"
DCTERMS_NS = "http://purl.org/dc/terms/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_NS = "http://www.w3.org/XML/1998/namespace"

PREFIXES = {"w": W_NS, "r": R_NS, "a": A_NS, "ct": CT_NS, "rel": REL_NS, "cp": CP_NS, "dc": DC_NS,
            "dcterms": DCTERMS_NS, "xsi": XSI_NS, "xml": XML_NS}


def clark(uri: str) -> str:
    """'{uri}', the prefix of an element or attribute name in lxml's Clark notation."""
    return f"{{{uri}}}"


def qn(name: str) -> str:
    """'w:t' → '{http://…/main}t'."""
    prefix, local = name.split(":", 1)
    return f"{{{PREFIXES[prefix]}}}{local}"
