"""Raw WordprocessingML for the house-style templates (the parts `housestyle.build_template` zips).

Every part is written as a literal string so that the bytes depend only on the arguments: no
python-docx default template (with its theme fonts, stylesWithEffects and "python-docx" metadata),
no clock, no random ids. Element order follows the ECMA-376 schema sequences, which openxml-audit
checks. East Asian typography, when given, is an object with `body_font`, `heading_font` and `lang`
(`housestyle.EastAsia`); it only ever adds `w:eastAsia` slots, never theme-font attributes.
"""
from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

from .namespaces import A_NS, R_NS, W_NS

DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
NS = f'xmlns:w="{W_NS}" xmlns:r="{R_NS}"'

BODY_FONT = "Times New Roman"
HEADING_FONT = "Arial"

# Styles whose East Asian slot takes the heading face (SimHei for NMPA); all others take the body face.
EA_HEADING_STYLES = frozenset({"Heading1", "Heading2", "Heading3", "Caption", "TableHeading"})

# Known fonts: (altName, panose, charset, family, pitch), so Word and LibreOffice can substitute well.
_FONT_FACTS = {
    "Times New Roman": (None, "02020603050405020304", "00", "roman", "variable"),
    "Arial": (None, "020B0604020202020204", "00", "swiss", "variable"),
    "SimSun": ("宋体", "02010600030101010101", "86", "auto", "variable"),
    "SimHei": ("黑体", "02010609060101010101", "86", "modern", "fixed"),
}


def attr(value: str) -> str:
    """Escape a value for a double-quoted XML attribute (font names come from region profiles)."""
    return escape(value, {'"': "&quot;"})


def rfonts(latin: str, east_asia_font: str | None) -> str:
    """Explicit font slots; no theme attributes, because the package has no theme part to resolve."""
    ea = f' w:eastAsia="{attr(east_asia_font)}"' if east_asia_font else ""
    f = attr(latin)
    return f'<w:rFonts w:ascii="{f}"{ea} w:hAnsi="{f}" w:cs="{f}"/>'


def size(half_points: int) -> str:
    """Set both the Latin and complex-script size, so Arabic/Hebrew fallbacks match."""
    return f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'


BOLD = "<w:b/><w:bCs/>"
ITALIC = "<w:i/><w:iCs/>"


@dataclass(frozen=True)
class ParaStyle:
    """One paragraph style. `ppr`/`rpr` hold the children after pStyle/rFonts, in schema order."""

    style_id: str
    name: str
    latin: str = BODY_FONT
    ppr: str = ""
    rpr: str = ""
    based_on: str | None = "Normal"
    next_id: str | None = None
    ui_priority: int | None = None
    custom: bool = False


def header_tabs(center: int, right: int) -> str:
    """Centre and right tab stops: the header's product / section layout."""
    return (
        f'<w:tabs><w:tab w:val="center" w:pos="{center}"/>'
        f'<w:tab w:val="right" w:pos="{right}"/></w:tabs>'
    )


_TIGHT = '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'

PARAGRAPH_STYLES: tuple[ParaStyle, ...] = (
    ParaStyle("Normal", "Normal", based_on=None),
    ParaStyle(
        "Heading1", "heading 1", HEADING_FONT, next_id="Normal", ui_priority=9,
        ppr='<w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="120"/>'
        '<w:outlineLvl w:val="0"/>',
        rpr=BOLD + size(28),
    ),
    ParaStyle(
        "Heading2", "heading 2", HEADING_FONT, next_id="Normal", ui_priority=9,
        ppr='<w:keepNext/><w:keepLines/><w:spacing w:before="200" w:after="100"/>'
        '<w:outlineLvl w:val="1"/>',
        rpr=BOLD + size(24),
    ),
    ParaStyle(
        "Heading3", "heading 3", HEADING_FONT, next_id="Normal", ui_priority=9,
        ppr='<w:keepNext/><w:keepLines/><w:spacing w:before="160" w:after="80"/>'
        '<w:outlineLvl w:val="2"/>',
        rpr=BOLD + size(22),
    ),
    ParaStyle("Subtitle", "Subtitle", next_id="Normal", ui_priority=11,
              ppr='<w:spacing w:after="240"/>', rpr=ITALIC + size(20)),
    ParaStyle("Caption", "caption", HEADING_FONT, next_id="Normal", ui_priority=35,
              ppr='<w:keepNext/><w:spacing w:before="120" w:after="60"/>', rpr=BOLD + size(20)),
    ParaStyle("TableText", "Table Text", custom=True, ppr=_TIGHT, rpr=size(20)),
    ParaStyle("TableHeading", "Table Heading", based_on="TableText", custom=True, rpr=BOLD),
    ParaStyle("ListBullet", "List Bullet", ui_priority=99,
              ppr='<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'),
    ParaStyle("ListNumber", "List Number", ui_priority=99,
              ppr='<w:numPr><w:ilvl w:val="0"/><w:numId w:val="2"/></w:numPr>'),
    ParaStyle("Header", "header", ui_priority=99,
              ppr=header_tabs(4513, 9026) + _TIGHT, rpr=size(18)),
    ParaStyle("Footer", "footer", ui_priority=99,
              ppr=_TIGHT + '<w:jc w:val="center"/>', rpr=size(18)),
    ParaStyle("Note", "Note", custom=True,
              ppr='<w:spacing w:before="0" w:after="60"/>', rpr=ITALIC + size(18)),
)


def _ea_font(style_id: str, east_asia) -> str | None:
    """The East Asian face for a style: headings get the heading face, everything else the body."""
    if east_asia is None:
        return None
    return east_asia.heading_font if style_id in EA_HEADING_STYLES else east_asia.body_font


def paragraph_style(s: ParaStyle, east_asia) -> str:
    """Serialise one paragraph style in CT_Style child order (name, basedOn, next, ..., pPr, rPr)."""
    default = ' w:default="1"' if s.style_id == "Normal" else ""
    custom = ' w:customStyle="1"' if s.custom else ""
    head = f'<w:style w:type="paragraph"{default}{custom} w:styleId="{s.style_id}">'
    meta = f'<w:name w:val="{s.name}"/>'
    meta += f'<w:basedOn w:val="{s.based_on}"/>' if s.based_on else ""
    meta += f'<w:next w:val="{s.next_id}"/>' if s.next_id else ""
    meta += f'<w:uiPriority w:val="{s.ui_priority}"/>' if s.ui_priority is not None else ""
    meta += "<w:qFormat/>"
    ppr = f"<w:pPr>{s.ppr}</w:pPr>" if s.ppr else ""
    rpr = f"<w:rPr>{rfonts(s.latin, _ea_font(s.style_id, east_asia))}{s.rpr}</w:rPr>"
    return head + meta + ppr + rpr + "</w:style>"


def doc_defaults(east_asia) -> str:
    """Document defaults: the body font and size, en-US, and the East Asian language when given.

    The East Asian language matters: without `w:lang w:eastAsia="zh-CN"` Word and LibreOffice
    pick Japanese glyph forms for unified Han characters (libraries.md, CJK rendering).
    """
    ea_lang = f' w:eastAsia="{attr(east_asia.lang)}"' if east_asia else ""
    ea_font = east_asia.body_font if east_asia else None
    rpr = f'{rfonts(BODY_FONT, ea_font)}{size(22)}<w:lang w:val="en-US"{ea_lang}/>'
    ppr = '<w:spacing w:after="120" w:line="264" w:lineRule="auto"/>'
    return (
        f"<w:docDefaults><w:rPrDefault><w:rPr>{rpr}</w:rPr></w:rPrDefault>"
        f"<w:pPrDefault><w:pPr>{ppr}</w:pPr></w:pPrDefault></w:docDefaults>"
    )


_DEFAULT_CHAR_STYLE = (
    '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
    '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/>'
    "<w:semiHidden/><w:unhideWhenUsed/></w:style>"
)

# Cross-references inside a document are hyperlinks to bookmarks; blue and underlined, as the
# FDA PDF specification allows for links.
_HYPERLINK_STYLE = (
    '<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/>'
    '<w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
    '<w:rPr><w:color w:val="0000FF"/><w:u w:val="single"/></w:rPr></w:style>'
)

_TABLE_NORMAL = (
    '<w:style w:type="table" w:default="1" w:styleId="TableNormal">'
    '<w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>'
    '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
    '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
    '<w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>'
)


def _borders() -> str:
    """Single 1/2 pt rules on every edge and between all cells (sz is in eighths of a point)."""
    edges = ("top", "left", "bottom", "right", "insideH", "insideV")
    rule = 'w:val="single" w:sz="4" w:space="0" w:color="auto"'
    return "<w:tblBorders>" + "".join(f"<w:{e} {rule}/>" for e in edges) + "</w:tblBorders>"


def cmc_table_style(east_asia) -> str:
    """The grid table every CMC table uses; the header row is bold on light grey.

    The firstRow conditional format only shows when the table's `w:tblLook` has firstRow="1".
    """
    fonts = rfonts(BODY_FONT, east_asia.body_font if east_asia else None)
    margins = (
        '<w:tblCellMar><w:top w:w="57" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
        '<w:bottom w:w="57" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
    )
    first_row = (
        '<w:tblStylePr w:type="firstRow"><w:rPr>' + BOLD + "</w:rPr>"
        '<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="D9D9D9"/></w:tcPr></w:tblStylePr>'
    )
    return (
        '<w:style w:type="table" w:customStyle="1" w:styleId="CMCTable">'
        '<w:name w:val="CMC Table"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/>'
        f'<w:pPr>{_TIGHT}</w:pPr><w:rPr>{fonts}</w:rPr>'
        f'<w:tblPr><w:tblInd w:w="0" w:type="dxa"/>{_borders()}{margins}</w:tblPr>'
        f"{first_row}</w:style>"
    )


def styles_xml(east_asia) -> str:
    """word/styles.xml: defaults, Word's three required defaults, our paragraph and table styles."""
    paragraphs = "".join(paragraph_style(s, east_asia) for s in PARAGRAPH_STYLES)
    return (
        f"{DECL}<w:styles {NS}>{doc_defaults(east_asia)}{paragraphs}"
        f"{_DEFAULT_CHAR_STYLE}{_HYPERLINK_STYLE}{_TABLE_NORMAL}{cmc_table_style(east_asia)}</w:styles>"
    )


def _level(ilvl: int, fmt: str, text: str, rpr: str) -> str:
    """One list level; indents step by 360 twips with a 360 hanging indent for the marker."""
    left = 360 * (ilvl + 1)
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{attr(text)}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{left}" w:hanging="360"/></w:pPr>{rpr}</w:lvl>'
    )


def numbering_xml(east_asia) -> str:
    """word/numbering.xml: abstract 0 bullets, abstract 1 decimals; num 1 -> 0, num 2 -> 1.

    The bullet is a plain U+2022 in Times New Roman (no Symbol-font private-use glyphs). With an
    East Asian language the bullet is an ambiguous-width character, so its East Asian slot is
    pinned to Times New Roman too, or it would render as a wide SimSun dot.
    """
    ea = BODY_FONT if east_asia else None
    bullet_rpr = f"<w:rPr>{rfonts(BODY_FONT, ea)}</w:rPr>"
    bullets = "".join(_level(i, "bullet", "•", bullet_rpr) for i in range(3))
    numbers = "".join(
        _level(i, "decimal", t, "") for i, t in enumerate(("%1.", "%2)", "%3)"))
    )
    kind = '<w:multiLevelType w:val="hybridMultilevel"/>'
    return (
        f"{DECL}<w:numbering {NS}>"
        f'<w:abstractNum w:abstractNumId="0">{kind}{bullets}</w:abstractNum>'
        f'<w:abstractNum w:abstractNumId="1">{kind}{numbers}</w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
        '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
        "</w:numbering>"
    )


def settings_xml(east_asia) -> str:
    """word/settings.xml: Word 2013+ compatibility mode and nothing stateful (no rsids, no
    updateFields, no protection, no attachedTemplate), in CT_Settings order."""
    theme_lang = (
        f'<w:themeFontLang w:val="en-US" w:eastAsia="{attr(east_asia.lang)}"/>' if east_asia else ""
    )
    return (
        f"{DECL}<w:settings {NS}>"
        '<w:zoom w:percent="100"/><w:defaultTabStop w:val="720"/>'
        '<w:characterSpacingControl w:val="doNotCompress"/>'
        '<w:compat><w:compatSetting w:name="compatibilityMode" '
        'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
        f"{theme_lang}</w:settings>"
    )


def _font_entry(name: str) -> str:
    """One w:font; unknown faces are declared by name only (Word fills in the rest on open)."""
    facts = _FONT_FACTS.get(name)
    if facts is None:
        return f'<w:font w:name="{attr(name)}"/>'
    alt, panose, charset, family, pitch = facts
    alt_xml = f'<w:altName w:val="{alt}"/>' if alt else ""
    return (
        f'<w:font w:name="{attr(name)}">{alt_xml}<w:panose1 w:val="{panose}"/>'
        f'<w:charset w:val="{charset}"/><w:family w:val="{family}"/>'
        f'<w:pitch w:val="{pitch}"/></w:font>'
    )


def font_table_xml(east_asia) -> str:
    """word/fontTable.xml: every face the styles name, each once, in first-use order."""
    names = [BODY_FONT, HEADING_FONT]
    if east_asia:
        names += [east_asia.body_font, east_asia.heading_font]
    unique = list(dict.fromkeys(names))
    return f"{DECL}<w:fonts {NS}>{''.join(_font_entry(n) for n in unique)}</w:fonts>"


_A_NS = A_NS
_COLOURS = (
    ("dk1", '<a:sysClr val="windowText" lastClr="000000"/>'),
    ("lt1", '<a:sysClr val="window" lastClr="FFFFFF"/>'),
    ("dk2", '<a:srgbClr val="1F1F1F"/>'), ("lt2", '<a:srgbClr val="EEEEEE"/>'),
    ("accent1", '<a:srgbClr val="404040"/>'), ("accent2", '<a:srgbClr val="595959"/>'),
    ("accent3", '<a:srgbClr val="737373"/>'), ("accent4", '<a:srgbClr val="8C8C8C"/>'),
    ("accent5", '<a:srgbClr val="A6A6A6"/>'), ("accent6", '<a:srgbClr val="BFBFBF"/>'),
    ("hlink", '<a:srgbClr val="0000FF"/>'), ("folHlink", '<a:srgbClr val="800080"/>'),
)


def _theme_fonts(tag: str, latin: str, ea_font: str | None) -> str:
    """A major/minor theme font set mirroring the explicit style fonts (Hans script when given).

    Nothing references theme fonts; this only keeps Word's "+Body"/"+Headings" choices, and any
    hand edit that picks them, on the house faces instead of Office's defaults (MS Mincho etc.).
    """
    ea = attr(ea_font) if ea_font else ""
    hans = f'<a:font script="Hans" typeface="{ea}"/>' if ea_font else ""
    return (
        f'<a:{tag}><a:latin typeface="{attr(latin)}"/><a:ea typeface="{ea}"/>'
        f'<a:cs typeface="{attr(latin)}"/>{hans}</a:{tag}>'
    )


def _format_scheme() -> str:
    """The smallest schema-valid format scheme: three plain entries per list, all phClr."""
    fill = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    line = f'<a:ln w="6350">{fill}</a:ln>'
    effect = "<a:effectStyle><a:effectLst/></a:effectStyle>"
    return (
        f'<a:fmtScheme name="House"><a:fillStyleLst>{fill * 3}</a:fillStyleLst>'
        f"<a:lnStyleLst>{line * 3}</a:lnStyleLst>"
        f"<a:effectStyleLst>{effect * 3}</a:effectStyleLst>"
        f"<a:bgFillStyleLst>{fill * 3}</a:bgFillStyleLst></a:fmtScheme>"
    )


def theme_xml(east_asia) -> str:
    """word/theme/theme1.xml: a minimal theme whose fonts are the house fonts.

    ECMA-376 makes the theme optional, but openxml-audit's strict policy requires the main
    document to have a theme relationship; a neutral one costs nothing as long as no style
    uses theme-font attributes (none does).
    """
    colours = "".join(f"<a:{k}>{v}</a:{k}>" for k, v in _COLOURS)
    major = _theme_fonts("majorFont", HEADING_FONT, east_asia.heading_font if east_asia else None)
    minor = _theme_fonts("minorFont", BODY_FONT, east_asia.body_font if east_asia else None)
    return (
        f'{DECL}<a:theme xmlns:a="{_A_NS}" name="CMC House"><a:themeElements>'
        f'<a:clrScheme name="House">{colours}</a:clrScheme>'
        f'<a:fontScheme name="House">{major}{minor}</a:fontScheme>'
        f"{_format_scheme()}</a:themeElements></a:theme>"
    )
