"""Hostile bank statement files, shaped like the bank files they pretend to be: a CAMT.053 or
an OFX 2.x whose DOCTYPE makes an XML parser read a server file or a URL or expand entities,
an XLSX whose sheet declares entities, and zip bombs. Shared by the Odoo tests and the
end-to-end tests over XML-RPC."""

import io
import struct
import zipfile

# Ten levels of ten: a billion "lol"s once expanded.
ENTITY_EXPANSION = "".join(
    [
        '<!ENTITY lol0 "lol">',
        *(f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, 10)),
    ]
)


def doctype_attacks(secret_path, url):
    """{name: (DOCTYPE, the text the file's remittance information / memo carries)}"""
    return {
        "external entity, file": (f'<!DOCTYPE Document [<!ENTITY x SYSTEM "file://{secret_path}">]>', "&x;"),
        "external entity, http": (f'<!DOCTYPE Document [<!ENTITY x SYSTEM "{url}/entity">]>', "&x;"),
        "entity expansion": (f"<!DOCTYPE Document [{ENTITY_EXPANSION}]>", "&lol9;"),
        "parameter entity": (f'<!DOCTYPE Document [<!ENTITY % remote SYSTEM "{url}/remote.dtd"> %remote;]>', "x"),
        "external DTD, file": (f'<!DOCTYPE Document SYSTEM "file://{secret_path}">', "x"),
        "external DTD, http": (f'<!DOCTYPE Document PUBLIC "-//A//B" "{url}/doc.dtd">', "x"),
    }


def with_doctype(xml, doctype, after):
    """``xml`` (bytes) with ``doctype`` inserted after the first occurrence of ``after``."""
    head, sep, tail = xml.partition(after)
    assert sep, f"{after!r} not in the file"
    return head + sep + b"\n" + doctype.encode() + tail


def zip_of(files, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def zip_bomb(size):
    """A small archive with one member of ``size`` bytes of spaces (about 1 KB a MB)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("statement.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as member:
            chunk = b" " * (1024 * 1024)
            for _ in range(size // len(chunk)):
                member.write(chunk)
    return buffer.getvalue()


def lying_zip(real_size, declared_size):
    """An archive whose one member unpacks to ``real_size`` bytes but declares
    ``declared_size``, in its local header and in the central directory alike."""
    content = zip_of({"statement.xml": b" " * real_size})
    data = bytearray(content)
    local = data.index(b"PK\x03\x04")
    struct.pack_into("<I", data, local + 22, declared_size)
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, declared_size)
    return bytes(data)
