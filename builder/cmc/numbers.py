"""Numbers as writers type them: exact Decimals that remember the place of their last typed digit.

Every notation of a power of ten (`× 10^13`, `x 10^13`, `×10¹³`, `1.6E13`, `1.6e+13`) is read into one
value, and the quantum (`2.45 × 10^13` → 10^11) is kept: pharmacopoeias round a result to the place of
the limit's last digit, so the place is as much a part of the number as its value. Text that could be
read in two ways (a decimal comma, digit groups, `1 × 10E13`) is refused unless a number style says
how to read it (criteria-and-results.md §2): a guess here would be a silent error.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

# Full-width and look-alike characters mapped one by one (NFKC would turn 10¹³ into 1013).
_CHARS = str.maketrans({
    **{chr(0xFF10 + i): str(i) for i in range(10)},
    "．": ".", "％": "%", "～": "～", "＜": "<", "＞": ">", "（": "(", "）": ")", "：": ":", "＋": "+",
    "－": "-", "−": "-", "‒": "-", "﹣": "-", "＝": "=", "×": "×", "✕": "×", "⨯": "×",
    "μ": "µ", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ", "\u3000": " ",
    "≦": "≤", "≧": "≥", "⩽": "≤", "⩾": "≥", "〜": "～", "∼": "～",
})
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUPER_RUN = re.compile(r"10\s*([⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)")

MANTISSA = r"(?<![A-Za-z0-9_.,])(?P<sign>[-+])?(?P<int>\d+)(?:\.(?P<frac>\d+))?(?![\d])"
EXPONENT = r"(?:[eE](?P<e>[-+]?\d+)|\s*[×xX*·]\s*10\s*(?:\^|\*\*)\s*(?P<p>[-+]?\d+))"
NUMBER = re.compile(MANTISSA + EXPONENT + "?")
POWER = re.compile(r"(?<![A-Za-z0-9_.])10\s*(?:\^|\*\*)\s*(?P<p>[-+]?\d+)")
AMBIGUOUS_POWER = re.compile(r"[×xX*]\s*10\s*[eE]\s*[-+]?\d")
DECIMAL_COMMA = re.compile(r"\d,\d")
SPACE_GROUPS = re.compile(r"(?<![\d.])\d{1,3}(?: \d{3})+(?![\d.])")
NON_DECIMAL = re.compile(r"(?i)(?<![a-z])(?:inf(?:inity)?|nan)(?![a-z])|∞|[½¼¾⅓⅔]|0x[0-9a-f]+")


@dataclass(frozen=True)
class Number:
    """An exact value with its quantum; `bare_power` marks a limit typed as 10^n alone (USP <1111>)."""

    value: Decimal
    quantum: Decimal
    digits: int             # significant figures as typed (for the Ph. Eur. reading)
    bare_power: bool = False
    power: int | None = None  # the power of ten typed (× 10^13, E13), None when none was

    def scaled(self, power: int) -> "Number":
        """This mantissa under another number's power of ten (`1.6` in `1.6–2.4 × 10^13`)."""
        return Number(self.value.scaleb(power), self.quantum.scaleb(power), self.digits, False, power)


class Unreadable(ValueError):
    """Text that cannot be read exactly; the message says why, in a writer's words."""


def normalise(text: str) -> str:
    """NFC, then the explicit character map, then superscript powers of ten as `10^n`."""
    text = unicodedata.normalize("NFC", text).translate(_CHARS)
    return _SUPER_RUN.sub(lambda m: "10^" + m.group(1).translate(_SUPERSCRIPTS), text)


def apply_style(text: str, style: str = "plain") -> str:
    """Rewrite the number style a product declared into plain notation; refuse ambiguity otherwise."""
    if style == "decimal-comma":
        text = re.sub(r"(?<=\d),(?=\d)", ".", text)
        return re.sub(r"(?<=\d) (?=\d{3}(?!\d))", "", text)
    if style == "comma-groups":
        return re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)
    if style == "space-groups":
        return re.sub(r"(?<=\d) (?=\d{3}(?![\d.]))", "", text)
    return text


def refuse_ambiguous(text: str) -> None:
    """Raise `Unreadable` for text whose numbers could be read in two ways (after the style applied)."""
    if AMBIGUOUS_POWER.search(text):
        raise Unreadable("'× 10E…' could mean 10^n or 10^(n+1); write × 10^13 or 1.0E13")
    if DECIMAL_COMMA.search(text):
        raise Unreadable("a comma between digits is a decimal comma or a digit group; write a decimal point "
                         "without grouping, or declare product.number_style")
    if SPACE_GROUPS.search(text):
        raise Unreadable("digits grouped with spaces; write the number without grouping, or declare "
                         "product.number_style: space-groups")
    if NON_DECIMAL.search(text):
        raise Unreadable("not a finite decimal number")


MAX_POWER = 99  # beyond 10^±99 no quantity of this field exists; such text is a typo (`1e400`)


def from_match(match: re.Match) -> Number:
    """The Number a NUMBER or POWER match denotes."""
    groups = match.groupdict()
    typed_power = groups.get("e") or groups.get("p")
    if typed_power is not None and abs(int(typed_power)) > MAX_POWER:
        raise Unreadable(f"'{match.group(0)}': a power of ten beyond 10^±{MAX_POWER} is not a credible quantity")
    if groups.get("int") is None:  # a bare power of ten
        power = int(groups["p"])
        return Number(Decimal(1).scaleb(power), Decimal(1).scaleb(power), 1, True, power)
    frac = groups["frac"] or ""
    mantissa = Decimal(f"{groups['sign'] or ''}{groups['int']}.{frac}" if frac else f"{groups['sign'] or ''}{groups['int']}")
    typed = groups.get("e") or groups.get("p")
    power = int(typed or 0)
    digits = len((groups["int"] + frac).lstrip("0")) or 1
    return Number(mantissa.scaleb(power), Decimal(1).scaleb(power - len(frac)), digits, False,
                  None if typed is None else power)


def parse_number(text: str) -> Number:
    """Exactly one number and nothing else (`1.6E13`, `2.1 × 10^13`, `10^3`, `-0.5`)."""
    text = normalise(text).strip()
    refuse_ambiguous(text)
    for pattern in (POWER, NUMBER):
        match = pattern.fullmatch(text)
        if match:
            return from_match(match)
    raise Unreadable(f"'{text}' is not a number")
