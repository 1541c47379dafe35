"""The manager portal (pengelola): their buildings, towers and units, occupancy, schedules with
KPU and answers to access issues."""
