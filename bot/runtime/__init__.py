"""What every adapter shares at run time: the Cobot core object, configuration, the outbox sender, the scheduler
and translations."""
