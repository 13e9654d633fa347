"""Where the bytes of documents live: the ``documents`` entry of ``STORAGES``.

Embedded: :class:`PrivateFileSystemStorage` in ``VAR_DIR/private`` (outside MEDIA_ROOT and
STATIC_ROOT, owner-only permissions, no URL). Production: S3-compatible object storage through
django-storages, private objects. Either way files reach people only through the
access-checked download view.
"""

from __future__ import annotations

from django.core.files.storage import FileSystemStorage, Storage, storages

ALIAS = "documents"


class PrivateFileSystemStorage(FileSystemStorage):
    """A file system storage with no public URL: a template that asked for one would publish
    a private file, so it fails instead."""

    def url(self, name):
        raise NotImplementedError("documents are served only through documents:download")


def documents_storage() -> Storage:
    """Looked up on every call, so that a test or a settings change takes effect."""
    return storages[ALIAS]
