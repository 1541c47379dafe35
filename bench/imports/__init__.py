"""The pieces of bench/import_bench.py: the COPY baseline and the generated import files."""
