"""Sample files whose first bytes are what real ones start with, and the EICAR test file."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

#: The standard 68-byte EICAR anti-virus test string, in two halves (so that an anti-virus does
#: not flag this source file).
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
assert len(EICAR) == 68


def stored_paths(location) -> list:
    return sorted(p for p in location.rglob("*") if p.is_file()) if location.exists() else []


def pdf_bytes(text: str = "Giấy khai sinh") -> bytes:
    body = f"BT /F1 12 Tf 72 720 Td ({text.encode('ascii', 'replace').decode()}) Tj ET"
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        + f"3 0 obj << /Length {len(body)} >> stream\n{body}\nendstream endobj\n".encode()
        + b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02" + b"\0" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\0" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\0" * 64


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    """The first entries Word writes: content types, relationships, then ``word/``."""
    return zip_bytes(
        {
            "[Content_Types].xml": b"<?xml version='1.0'?><Types/>",
            "_rels/.rels": b"<?xml version='1.0'?><Relationships/>",
            "word/document.xml": b"<?xml version='1.0'?><w:document/>",
        }
    )


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    """As the browser sends it; ``content_type`` is what the browser claims (never trusted)."""
    return SimpleUploadedFile(name, content, content_type=content_type)
