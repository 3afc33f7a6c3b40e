"""Operator tools: read-only checks before a deploy (preflight) and probes after it (smoke)."""
