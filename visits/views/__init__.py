"""Views of the visits app: the pantarlih's field pages (field.py) and the officer card
with its public check (officer.py)."""
