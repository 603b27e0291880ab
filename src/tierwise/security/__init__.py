"""Security building blocks, free of any web framework: passwords, access tokens, personal-data
encryption and masking, the audit hash chain, roles and visibility, login lockout and key-customer
identity verification.

Each module holds pure logic over plain values (or a small state interface the store backs), so the
services enforce the same rules for the CLI, the API and the web UI. docs/security.md says how they fit.
"""
