"""Views of the policy pages, the policy editor and the policy simulator."""
