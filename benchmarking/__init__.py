"""Benchmarks for syne_tune: definitions (script, config space, metric) and their training scripts.

``benchmarking.definitions`` maps benchmark names to definition functions,
``benchmarking.utils`` holds the helpers training scripts use (checkpointing, parameter parsing).
"""
