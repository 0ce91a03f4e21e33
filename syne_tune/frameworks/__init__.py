"""Callbacks that report a training framework's progress to the tuner from a training script.

- :mod:`syne_tune.frameworks.lightning`: ``ReportCallback`` for PyTorch Lightning (extra ``lightning``);
- :mod:`syne_tune.frameworks.lightgbm`: ``ReportCallback`` for LightGBM (extra ``lightgbm``).

Each reports every epoch or boosting round to :class:`~syne_tune.Reporter` and, given the
trial's ``st_checkpoint_dir``, keeps a checkpoint there so that a paused trial resumes where it
stopped. Importing this package imports no framework; importing a module imports its framework.
"""
