"""Webhook delivery: subscriptions API, signed (Standard Webhooks) delivery with retries,
dead-lettering, Slack format, SSRF guard, and a local verifying receiver.

Pure cores (``signing``, ``filters``, ``payloads``, ``policy``, ``ssrf``, ``offsets``) know
nothing of Kafka or HTTP; ``sender``, ``store``, ``worker``, ``api`` and ``service`` are the thin
adapters around them. See docs/delivery.md.
"""
