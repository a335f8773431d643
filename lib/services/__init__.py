"""Use cases: each checks the actor's permission, changes the register, records the event."""
