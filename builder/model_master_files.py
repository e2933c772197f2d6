"""Master-file references as content (issue 15): a drug substance whose sections a US DMF, an EU CEP or
ASMF, or an NMPA associated-review (关联审评) registration covers.

Two records: `MasterFile`, what a writer states on a drug substance (`master_files:`), and
`MasterFileKind`, what a region profile says a kind of master file is (`master_file_kinds:` in
templates/common/profile.yaml): where it is filed, which fields it takes, which sections it may cover
and which fields a reference needs before it can be filed. Kinds are data, so adding one (a US DMF
type III for a container, a Japanese MF) is a profile edit, never code.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .nodes import M, Node
from .schema import CTD_NUMBER, Choice, ListOf, Pattern, Slug, Text, field

# The optional fields of a reference; a kind allows some of them (`allowed`), the others are refused.
REFERENCE_FIELDS = ("type", "number", "holder", "authorisation", "copy")
SECTION = Pattern(CTD_NUMBER, "a CTD section number such as 3.2.S.2.2")
KIND_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")


@dataclass(**M)
class MasterFile(Node):
    """One master file the dossier cites, and the sections of its record it covers."""

    id: str = field(Slug(), True, "identifies the reference; overlays merge master files by id")
    kind: str = field(Slug(), True, "a kind of the region profiles' master_file_kinds: dmf, cep, asmf, registration")
    region: str = field(Slug(), False, "the region whose dossier cites it; default: every region the kind is filed "
                        "in (dmf: fda; cep, asmf: ema; registration: nmpa)")
    type: str = field(Text(), False, "DMF type, e.g. II (drug substance); only kinds that list types take it")
    number: str = field(Text(), False, "the master file's number as the authority assigned it (DMF 012345, "
                        "R1-CEP 2015-123-Rev 02, EMEA/ASMF/00001, Y20190001234); without it the reference has "
                        "no document to file")
    holder: str = field(Text(), False, "the holder (company) of the master file")
    authorisation: str = field(Text(), False, "where the holder's letter of authorization / access is filed, e.g. "
                               "Module 1 (1.4.1)")
    copy: str = field(Text(), False, "where a copy of the certificate is filed (CEP), e.g. Module 1 (eAF annex)")
    covered_sections: tuple = field(ListOf(SECTION), True, "the sections of this record the master file covers "
                                    "(a heading such as 3.2.S.2 covers every section under it); each is rendered "
                                    "as the region's statement instead of the record's own data")


@dataclass(**M)
class MasterFileKind(Node):
    """What a kind of master file is, in a region profile (templates/common/profile.yaml)."""

    name: str = field(Text(), True, "what the kind is called in messages, e.g. US Drug Master File")
    regions: tuple = field(ListOf(Slug()), True, "the regions whose dossiers cite this kind")
    allowed: tuple = field(ListOf(Choice(*REFERENCE_FIELDS)), True, "the optional fields a reference of this kind "
                           "may state; any other is refused (E2562)")
    filing: tuple = field(ListOf(Choice(*REFERENCE_FIELDS)), False, "fields without which the reference has no "
                          "document to file: a reference lacking one is a warning (F4882) and a readiness blocker")
    types: tuple = field(ListOf(Text()), False, "the values `type` may take (DMF: II, III, IV, V)")
    may_cover: tuple = field(ListOf(SECTION), True, "the sections this kind may cover; a covered section outside "
                             "them is the applicant's own part (F4881)")
    outside: str = field(Choice("warning", "off"), False, "how a covered section outside may_cover is reported: "
                         "warning (default, F4881) or off")
    basis: str = field(Text(), False, "why those sections, printed with F4881 (⚠ where the reference facts are)")
