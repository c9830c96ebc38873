"""Referrals to the Community Wellbeing Service, followed from submission to an outcome."""
