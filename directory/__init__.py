"""Example Corp: a built-in practice identity provider, so a class can try federation
offline. It is an outside directory, not part of the console: it imports nothing of the
domain (the import contract says so), keeps its people and groups as fixed data, signs SAML
assertions and OpenID Connect ID tokens with a key generated once per installation, and
publishes what an identity provider publishes (SAML metadata, OIDC discovery and JWKS).
"""
