"""Benchmarks of the project itself (`python -m benchmarks`) and of the appendix's claims."""
