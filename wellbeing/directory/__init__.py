"""The directory of community groups and services, shaped like Open Referral UK (HSDS-UK 3.0)."""
