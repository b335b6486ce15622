"""Realistic sample data relative to today, so a newcomer sees a working tracker after ``make run``."""
