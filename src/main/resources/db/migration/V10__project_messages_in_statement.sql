-- The messages projection of V7 is now written by the append statement itself (StreamStore.APPEND,
-- a data-modifying CTE beside the events insert) instead of a statement-level trigger: the same
-- row in the same statement, without a PL/pgSQL call and a transition table per statement
-- (measured: the trigger cost more than half of the commit throughput at ~20 events a statement).
DROP TRIGGER events_project_messages ON events;
DROP FUNCTION agentbus_project_messages();
