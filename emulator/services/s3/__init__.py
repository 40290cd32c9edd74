"""Amazon S3: general purpose buckets and their objects, path-style, without versioning."""
