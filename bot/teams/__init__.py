"""Cobot on Microsoft Teams, with the Microsoft 365 Agents SDK: the ``/api/messages`` endpoint (``cobot teams``),
the agent that maps activities onto the shared handlers, Adaptive Cards, the outbox transport that reaches Teams
users and channels proactively, Bot Framework token checks, and the app package (``cobot teams-manifest``)."""
