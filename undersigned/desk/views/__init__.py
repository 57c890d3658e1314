"""The desk's pages, one module per area: sign-in, campaigns, queue, decisions, invalidation."""
