"""Opening a bank statement file before any parser reads it.

A statement file comes from outside the company: from a bank, or from whoever forwarded
"the bank's file". Every format (CSV, XLSX, OFX, CAMT, a zip of them) goes through
``open_statement_file`` first, which refuses

- a file larger than the company's limit;
- an archive whose declared unpacked size, member count or nesting is over the limits, or
  whose members turn out larger than declared while they are read (a zip bomb);
- a file that holds a DOCTYPE or an entity declaration. Bank formats never carry one, and a
  DTD is how an XML document makes its parser read a file of the server or a URL (external
  entities) or swell in memory (entity expansion).

The XML parsers Atlas runs on statement files then use ``safe_xml_parser``: no DTD loaded,
no entity resolved, no network, lxml's default size limits.
"""

import io
import re
import zipfile

from lxml import etree

from odoo.exceptions import UserError

MEGABYTE = 1024 * 1024
# A zip of statements holds one file a day at most, so a year of daily statements fits.
MAX_ARCHIVE_MEMBERS = 400
READ_CHUNK = 64 * 1024
# "<!DOCTYPE" or "<!ENTITY", however spaced or cased.
DTD_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# The members an Office Open XML workbook (XLSX) always holds.
XLSX_MARKER = "[Content_Types].xml"


def decoded_size(encoded):
    """The size of a base64 upload once decoded, without decoding it."""
    encoded = encoded or b""
    padding = encoded[-2:].count(b"=" if isinstance(encoded, bytes) else "=")
    return len(encoded) * 3 // 4 - padding


def is_markup(content):
    """Whether the file is XML or OFX, read by their own parsers rather than as a sheet."""
    head = content[:200].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") or head.upper().startswith(b"OFXHEADER")


def safe_xml_parser(recover=False):
    """An lxml parser that reads nothing but the document: no DTD (internal or external),
    no entity resolved, no network, and lxml's limits on depth and text size kept."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        recover=recover,
    )


def safe_xml_root(data):
    """The root element of ``data`` read with ``safe_xml_parser``, forgiving as OCA's CAMT
    parser is (damaged files recovered, a file mislabelled as UTF-8 read as ISO-8859-15),
    or None when it is not XML at all."""
    for content in (data, _as_utf8_from_latin9(data)):
        if content is None:
            continue
        try:
            root = etree.fromstring(content, parser=safe_xml_parser(recover=True))
        except etree.XMLSyntaxError:
            continue
        if root is not None:
            return root
    return None


def _as_utf8_from_latin9(data):
    try:
        return data.decode("iso-8859-15").encode("utf-8")
    except UnicodeError:
        return None


def declares_dtd(data):
    """Whether the file holds a DOCTYPE or an entity declaration, in any of the encodings an
    XML parser would read it in (UTF-8 and single-byte encodings, UTF-16, UTF-32)."""
    if DTD_DECLARATION.search(data):
        return True
    if b"\x00" not in data[:1024]:
        return False
    for encoding in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        text = data.decode(encoding, errors="ignore").encode("ascii", errors="ignore")
        if DTD_DECLARATION.search(text):
            return True
    return False


def open_statement_file(env, data, file_name, limit_mb, has_mapping):
    """The files to parse in ``data``: itself, or the members of a zip of statements.

    :param limit_mb: the most the file, and an archive's unpacked members together, may weigh
    :param has_mapping: whether a CSV/XLSX column mapping was chosen (an XLSX needs one)
    :raise UserError: the file is refused; the message says why and what to do
    """
    check_size(env, len(data), file_name, limit_mb)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        _check_no_dtd(env, data, file_name)
        return [data]
    members = _unpack(env, data, file_name, limit_mb)
    if XLSX_MARKER in members:
        if not has_mapping:
            raise UserError(
                env._(
                    "“%(file)s” is an Excel workbook: choose its column mapping (or set the bank journal's default "
                    "mapping) to import it.",
                    file=file_name,
                )
            )
        return [data]  # the sheet parser reads the workbook itself, members checked above
    # Folders, and the resource forks macOS adds to the archives it makes, hold no statement.
    files = [
        content
        for name, content in sorted(members.items())
        if not name.endswith("/") and not name.startswith("__MACOSX/")
    ]
    if not files:
        raise UserError(env._("“%(file)s” is an empty archive: it holds no bank statement.", file=file_name))
    return files


def check_size(env, size, file_name, limit_mb):
    if size > limit_mb * MEGABYTE:
        size_mb = f"{size / MEGABYTE:.1f}"
        raise UserError(
            env._(
                "“%(file)s” is %(size)s MB, over the %(limit)s MB a bank statement file may have (Settings → Atlas "
                "Invoicing → Bank Statement Files). Nothing was imported: import a shorter period, or ask an "
                "administrator to raise the limit.",
                file=file_name,
                size=size_mb,
                limit=limit_mb,
            )
        )


def _check_no_dtd(env, content, file_name, member=None):
    if declares_dtd(content):
        name = f"{file_name} › {member}" if member else file_name
        raise UserError(
            env._(
                "“%(file)s” is not a plain bank statement: it declares a DOCTYPE or entities, which bank statement "
                "files never hold and which can make the server read its own files or other sites. Nothing was "
                "imported: download the statement from your bank again and import that file.",
                file=name,
            )
        )


def _unpack(env, data, file_name, limit_mb):
    """{name: content} of a zip's members, refused when the archive's declared sizes, member
    count or nesting are over the limits, and read chunk by chunk so that a member larger
    than its declared size is stopped as soon as it passes the limit."""

    def refuse(reason):
        raise UserError(
            env._(
                "“%(file)s” is refused: %(reason)s Nothing was imported: unpack the archive and import its "
                "statements one by one.",
                file=file_name,
                reason=reason,
            )
        )

    limit = limit_mb * MEGABYTE
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        refuse(env._("it is a damaged archive."))
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ARCHIVE_MEMBERS:
            refuse(
                env._(
                    "the archive holds %(count)s files, more than the %(max)s a bank's archive of statements may hold.",
                    count=len(infos),
                    max=MAX_ARCHIVE_MEMBERS,
                )
            )
        declared = sum(info.file_size for info in infos)
        if declared > limit:
            declared_mb = f"{declared / MEGABYTE:.1f}"
            refuse(
                env._(
                    "its files would take %(size)s MB once unpacked, over the %(limit)s MB limit of a bank "
                    "statement file.",
                    size=declared_mb,
                    limit=limit_mb,
                )
            )
        members, total = {}, 0
        for info in infos:
            if info.flag_bits & 0x1:
                refuse(env._("“%(member)s” in the archive is encrypted.", member=info.filename))
            chunks, size = [], 0
            try:
                with archive.open(info) as member:
                    while chunk := member.read(READ_CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        if total > limit or size > info.file_size:
                            refuse(
                                env._(
                                    "“%(member)s” in the archive unpacks to more than it declares, or to more "
                                    "than the %(limit)s MB limit.",
                                    member=info.filename,
                                    limit=limit_mb,
                                )
                            )
                        chunks.append(chunk)
            except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError, RuntimeError):
                refuse(env._("“%(member)s” in the archive is damaged.", member=info.filename))
            content = b"".join(chunks)
            if zipfile.is_zipfile(io.BytesIO(content)) and content:
                refuse(
                    env._(
                        "it holds another archive (“%(member)s”): archives inside archives are not read.",
                        member=info.filename,
                    )
                )
            _check_no_dtd(env, content, file_name, member=info.filename)
            members[info.filename] = content
        return members
