"""Entry points: the ``cobot`` command line and the servers it starts."""
