"""Signer safety: contacts encrypted to verifiers' offline keys, retention of personal data."""
