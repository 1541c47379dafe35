"""Plain helpers every app may use: the client's address, request counters. Imports no app."""
