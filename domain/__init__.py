"""The operations layer: what the doors (console, management commands) call."""
