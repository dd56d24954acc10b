"""Cobot's composition root, configuration, CLI, outbox sender and the chat-platform adapters."""
