"""Where object bytes live: the `s3` entry of STORAGES (local files under S3_DATA_DIR by
default; any Django storage backend works)."""

from __future__ import annotations

from django.core.files.storage import Storage, storages


def object_storage() -> Storage:
    return storages["s3"]
