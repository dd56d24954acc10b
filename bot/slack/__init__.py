"""The Slack adapter: Bolt listeners grouped by surface, Block Kit building, and the outbox transport."""
