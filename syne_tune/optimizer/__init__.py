"""Decision making: schedulers (when to start, stop, pause, resume) and their searchers."""
