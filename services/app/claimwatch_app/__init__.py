"""The whole-system application: the ``claimwatch`` command, replay, run (the supervisor),
the corpus evaluation and the broker-free ``claims`` reader. It sits above the four services
and is the only package that imports more than one of them."""
