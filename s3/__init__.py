"""The practice S3 service's data: buckets and objects (their bytes live in a Django storage)."""
