"""The pieces of bench/load_test.py: what it offers, its data, its phases and its checks."""
