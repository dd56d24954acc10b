"""What Cobot does, independent of any chat platform.

Handlers take a ``Ctx`` (session, workspace, acting member, policy, clock) and plain arguments, change the
database, queue notices for others in the outbox (same transaction), and return a ``Reply`` for the actor. They
raise ``UserFacingError`` for bad input or refused actions, before anything is written. No module here imports
Slack or Teams code: every adapter (Slack, console, Teams) drives these same functions.
"""
