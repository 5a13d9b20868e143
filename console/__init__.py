"""The web face: views, forms, session flows, template tags and management commands.

It calls the operations in `domain.iam`; it never reads or writes the ORM itself."""
