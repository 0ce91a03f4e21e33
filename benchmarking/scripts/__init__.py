"""Command-line entry points of the benchmarks: ``python benchmarking/scripts/<name>.py`` or
``python -m benchmarking.scripts.<name>``. What they run and measure lives one level up."""
