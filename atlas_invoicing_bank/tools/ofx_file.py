"""What ofxparse (OCA's OFX reader) needs to be told about the OFX files banks really send.

- Their declared encoding lies: an SGML header ``ENCODING:USASCII`` (or ``CHARSET:1252``) over
  UTF-8 or Latin-1 bytes, an OFX 2 (XML) file that ofxparse reads as ASCII whatever its
  ``<?xml encoding?>``. ``honest_ofx`` decodes the text with the encoding it really has and
  hands ofxparse plain ASCII (other characters as XML character references, which its HTML
  parser turns back into the characters).
- A download cut short still parses: ``is_truncated`` tells it by its missing ``</OFX>``.
- ofxparse's reason for a bad transaction does not say which one: ``bad_transaction`` finds it.
"""

import re

OFX_HEADER = re.compile(rb"^\s*(?:\xef\xbb\xbf)?\s*(?:OFXHEADER\s*:|<\?xml[^>]*>\s*<\?OFX)", re.IGNORECASE)
OFX_TAG = re.compile(rb"<OFX>", re.IGNORECASE)
OFX_END = re.compile(rb"</OFX>\s*$", re.IGNORECASE)
SGML_HEADER_LINE = re.compile(rb"^\s*([A-Z]+)\s*:\s*(\S*)\s*$", re.IGNORECASE)
TRANSACTION = re.compile(rb"<STMTTRN>(.*?)(?=<STMTTRN>|</BANKTRANLIST>|$)", re.IGNORECASE | re.DOTALL)
FIELD = r"<{tag}>\s*([^<\r\n]*)"
AMOUNT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def looks_like_ofx(data):
    """Whether the file is OFX or QFX (SGML or XML), by its header or its <OFX> element."""
    head = data[:4096]
    return bool(OFX_HEADER.search(head) or OFX_TAG.search(head))


def is_truncated(data):
    """An OFX file always ends with the end of its OFX aggregate; a download cut short does not."""
    return not OFX_END.search(data.rstrip(b"\x00 \t\r\n")[-64:])


def true_encoding(data):
    """The encoding the file's text really has: UTF-8 when its non-ASCII bytes are UTF-8
    (they seldom are by chance), else Windows-1252 (Latin-1's superset, what OFX's
    ``CHARSET:1252`` says and what "USASCII" files hold when they hold more than ASCII)."""
    if data.isascii():
        return "ascii"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"


def honest_ofx(data):
    """The file as ofxparse reads it right: ASCII, with an SGML header saying so."""
    encoding = true_encoding(data)
    if encoding == "ascii":
        return data
    text = data.decode(encoding, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    body = text.encode("ascii", errors="xmlcharrefreplace")
    if not body.lstrip().upper().startswith(b"OFXHEADER"):
        return body  # OFX 2: ofxparse reads an XML file as ASCII already
    header, sep, rest = body.partition(b"<")
    lines = []
    for line in header.splitlines():
        match = SGML_HEADER_LINE.match(line)
        if match and match.group(1).upper() == b"ENCODING":
            line = b"ENCODING:USASCII"
        elif match and match.group(1).upper() == b"CHARSET":
            line = b"CHARSET:1252"
        lines.append(line)
    return b"\r\n".join(lines) + sep + rest


def bad_transaction(data):
    """(number, FITID, what is wrong) of the first transaction ofxparse can't read, if found."""
    text_of = lambda match: match.group(1).strip() if match else None  # noqa: E731
    for number, block in enumerate(TRANSACTION.finditer(data), start=1):
        content = block.group(1).decode("ascii", errors="replace")
        fitid = text_of(re.search(FIELD.format(tag="FITID"), content, re.IGNORECASE))
        amount = text_of(re.search(FIELD.format(tag="TRNAMT"), content, re.IGNORECASE))
        posted = text_of(re.search(FIELD.format(tag="DTPOSTED"), content, re.IGNORECASE))
        if amount is None or not AMOUNT.match(amount):
            return number, fitid, f"amount “{amount or ''}”"
        if not posted:
            return number, fitid, "no date"
    return None


def normalised_account(number):
    """An account number as banks write it in many ways: without spaces, dashes, dots or
    slashes, upper case, and an IBAN without its country and check digits (the domestic
    number a US or European bank's file may give)."""
    plain = re.sub(r"[\s./-]", "", number or "").upper()
    if re.match(r"^[A-Z]{2}\d{2}[A-Z0-9]{8,}$", plain):
        plain = plain[4:]
    return plain
