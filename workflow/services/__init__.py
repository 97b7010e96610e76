"""Use cases: each takes a unit of work, an actor and `now`, and commits once."""
