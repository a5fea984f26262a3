"""Helpers that tests import (fakes of outside systems, each tested itself)."""
