"""Declared lifecycles: review tasks, objections, deadlines and campaign phases.

Each module holds one transition table and the only code that writes its status column
(a test parses the source tree to prove nobody else does). A writer refuses a move the
table does not allow with `InvalidState`, naming the current status and the allowed moves.
The nomination's own lifecycle is the state machine (`workflow.machine`).
"""
