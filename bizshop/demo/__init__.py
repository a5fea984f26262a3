"""Demo data for a fresh shop (``manage.py seed_demo``): it spans every app, so it sits above them all."""
