"""The desk's pages, one module per area: sign-in, campaigns, queue, decisions, invalidation,
imports, contacts, sealed signers, sharing, updates. Their routes are in desk/urls.py."""
