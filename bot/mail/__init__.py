"""E-mail to guests: written from Cobot's neutral texts (``render``) and sent by the outbox (``transport``)."""
