"""Confirmation codes as people type and paste them, and what every client must send for each (docs/clients.md):
whitespace (Unicode White_Space), dashes (category Pd) and invisible format characters (category Cf) dropped,
digits of any script made ASCII, anything else kept as typed. Each character here is in Unicode 6.3 or older, so
the answer does not depend on which Unicode version a runtime ships (Python, Node's ICU, the JDK, Swift)."""

from __future__ import annotations

TYPED_CODES: list[tuple[str, str]] = [
    ("123456", "123456"),
    ("123 456", "123456"),
    ("\t123\n456\r\n", "123456"),
    ("\u00a0123\u202f456\u3000", "123456"),  # no-break, narrow no-break and ideographic spaces
    ("123\u0085456", "123456"),  # next line (NEL): White_Space, though Java's isWhitespace leaves it out
    ("123-456", "123456"),  # hyphen-minus
    ("123\u2010456", "123456"),  # hyphen
    ("123\u2011456", "123456"),  # non-breaking hyphen
    ("123\u2013456", "123456"),  # en dash
    ("123\u2014456", "123456"),  # em dash
    ("123\u2015456", "123456"),  # horizontal bar
    ("123\u2e3a456", "123456"),  # two-em dash
    ("123\u301c456", "123456"),  # wave dash
    ("123\ufe63456", "123456"),  # small hyphen-minus
    ("123\uff0d456", "123456"),  # full-width hyphen-minus
    ("123\u058a456", "123456"),  # Armenian hyphen
    ("123\u200b456", "123456"),  # zero-width space
    ("123\u00ad456", "123456"),  # soft hyphen
    ("123\u2060456", "123456"),  # word joiner
    ("\ufeff123456", "123456"),  # byte order mark
    ("123\u200d456\u200c", "123456"),  # zero-width joiner and non-joiner
    ("\u200e123456\u200f", "123456"),  # left-to-right and right-to-left marks
    ("\u2066123456\u2069", "123456"),  # bidirectional isolates
    ("123\U000e0020456", "123456"),  # a tag character, outside the BMP
    ("\uff11\uff12\uff13\uff14\uff15\uff16", "123456"),  # full-width digits
    ("\u0661\u0662\u0663-\u0664\u0665\u0666", "123456"),  # Arabic-Indic digits around a hyphen
    ("\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6", "123456"),  # Persian digits
    ("\u0967\u0968\u0969 \u096a\u096b\u096c", "123456"),  # Devanagari digits
    ("\U0001d7cf\U0001d7d0\U0001d7d1\U0001d7ec\U0001d7f6\U0001d7ff", "123009"),  # mathematical digits, runs of ten
    # Kept as typed: not unambiguously part of the six digits (the server refuses them with a 400).
    ("123\u2212456", "123\u2212456"),  # minus sign (a math symbol, Sm)
    ("123_456", "123_456"),  # low line (connector punctuation, Pc)
    ("123.456", "123.456"),
    ("123/456", "123/456"),
    ("12345O", "12345O"),  # the letter O
    ("\u00b9\u00b2\u00b3456", "\u00b9\u00b2\u00b3456"),  # superscript digits (No, not decimal digits)
    ("\u2460\u2461\u2462456", "\u2460\u2461\u2462456"),  # circled digits (No)
    ("123\u0301456", "123\u0301456"),  # a combining accent (Mn)
    ("", ""),
    ("- \u2013\u200b", ""),
]
