"""Cobot's web pages, served beside the chat endpoints: a framework-neutral core (``core``) with a WSGI and an
aiohttp adapter, and the guest's page (``guest``) built on it."""
