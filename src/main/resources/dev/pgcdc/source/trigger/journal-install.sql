-- pgcdc trigger mode: a durable change journal, written by triggers in the same transaction as each
-- change, so a rolled-back change never appears and nothing is lost while capture is stopped.
-- Wake-up: a notifying transaction holds a cluster-wide lock through its commit, which serialises concurrent
-- writers' commits (it cut their throughput by more than half when every change notified, bench/trigger-cost.sh).
-- So a writer notifies only while capture waits for changes, which it says by holding the wake-up lock (an
-- advisory lock, "pgcd" + "jrnl") exclusively; busy or stopped, it does not hold it, and writers only take and
-- keep it shared until they end. Capture takes it exclusively only once those writers ended (the lock waits
-- for them), then reads once more before it waits: a change is either read then or notified at its commit.
-- Idempotent; an advisory lock serialises concurrent setups.
SELECT pg_advisory_xact_lock(hashtext('pgcdc.setup.trigger'));

CREATE SCHEMA IF NOT EXISTS pgcdc;

CREATE TABLE IF NOT EXISTS pgcdc.journal (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tx_id        bigint      NOT NULL,
    changed_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    table_schema name        NOT NULL,
    table_name   name        NOT NULL,
    op           "char"      NOT NULL CHECK (op IN ('c', 'u', 'd', 't')),
    -- json, not jsonb: json keeps row_to_json's text exactly (column order, every digit).
    old_row      json,
    new_row      json
);
-- Added after the first release: the table's oid finds its key even after a rename.
ALTER TABLE pgcdc.journal ADD COLUMN IF NOT EXISTS table_oid oid;
-- Capture reads the journal in batches bounded by two transaction snapshots: a range of tx_id.
CREATE INDEX IF NOT EXISTS journal_tx_id ON pgcdc.journal (tx_id);

COMMENT ON TABLE pgcdc.journal IS
    'Changes waiting for pgcdc capture; a row is deleted once Kafka has acknowledged its event.';

-- SECURITY DEFINER: writers need no privilege on pgcdc.journal; search_path pinned against hijacking.
-- The settings that change row_to_json's text are pinned too, so the encoding does not depend on the
-- writer's session: timestamptz in UTC, intervals in the default style, floats shortest-exact, bytea hex.
CREATE OR REPLACE FUNCTION pgcdc.journal_row_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
SET TimeZone = 'UTC'
SET IntervalStyle = 'postgres'
SET extra_float_digits = 1
SET bytea_output = 'hex'
AS $$
BEGIN
    INSERT INTO pgcdc.journal (tx_id, table_oid, table_schema, table_name, op, old_row, new_row)
    VALUES (txid_current(), TG_RELID, TG_TABLE_SCHEMA, TG_TABLE_NAME,
            CASE TG_OP WHEN 'INSERT' THEN 'c' WHEN 'UPDATE' THEN 'u' ELSE 'd' END,
            CASE WHEN TG_OP <> 'INSERT' THEN row_to_json(OLD) END,
            CASE WHEN TG_OP <> 'DELETE' THEN row_to_json(NEW) END);
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION pgcdc.journal_truncate() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO pgcdc.journal (tx_id, table_oid, table_schema, table_name, op)
    VALUES (txid_current(), TG_RELID, TG_TABLE_SCHEMA, TG_TABLE_NAME, 't');
    RETURN NULL;
END
$$;

-- Every journal row, the writers' and pgcdc's own (snapshot watermarks, signals), goes through the wake-up.
-- Per row, while the change is made: a writer that finds capture busy or stopped takes the wake-up lock shared
-- and is done (capture waits for it before it waits itself); one that finds capture waiting asks, once per
-- transaction, for journal_wake_capture at its commit. Deciding who notifies at commit, not at the first change,
-- is what keeps wake-ups from being lost: one writer at a time notifies (it holds the notifier lock until it
-- ends) and the others leave a mark instead, a shared lock until they end, which capture waits for before it
-- waits again; a writer that leaves a mark relies on the notifier's commit, so the notifier must be one that is
-- committing already, not one whose transaction may stay open for minutes or roll back after the others
-- committed. No SET clauses here: a function's settings are saved and restored at every call, and the flag set
-- here must outlive the call; every name is schema-qualified instead.
CREATE OR REPLACE FUNCTION pgcdc.wake_capture_at_commit() RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    IF pg_catalog.pg_try_advisory_xact_lock_shared(1885823844, 1785884268)
       OR pg_catalog.current_setting('pgcdc.wake_at_commit', true) = 'on' THEN
        RETURN false;
    END IF;
    -- transaction-local: undone with the (sub)transaction, like the trigger event it goes with
    PERFORM pg_catalog.set_config('pgcdc.wake_at_commit', 'on', true);
    RETURN true;
END
$$;

CREATE OR REPLACE FUNCTION pgcdc.journal_wake_capture() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- capture may have been woken and be busy by now: then it waits for this transaction before it waits
    IF pg_try_advisory_xact_lock_shared(1885823844, 1785884268) THEN
        RETURN NULL;
    END IF;
    IF pg_try_advisory_xact_lock(1885823844, 1785884269) THEN
        PERFORM pg_notify('pgcdc_journal', '');
    ELSIF NOT pg_try_advisory_xact_lock_shared(1885823844, 1785884270) THEN
        PERFORM pg_notify('pgcdc_journal', '');
    END IF;
    RETURN NULL;
END
$$;
-- Wake-ups of journals installed by an older pgcdc: decided at the first change, in the row functions.
DROP TRIGGER IF EXISTS journal_wakeup ON pgcdc.journal;
DROP FUNCTION IF EXISTS pgcdc.journal_wakeup();
DROP FUNCTION IF EXISTS pgcdc.wake_capture();
DROP TRIGGER IF EXISTS journal_wake_capture ON pgcdc.journal;
CREATE CONSTRAINT TRIGGER journal_wake_capture AFTER INSERT ON pgcdc.journal
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (pgcdc.wake_capture_at_commit()) EXECUTE FUNCTION pgcdc.journal_wake_capture();

-- Capture, about to wait for a wake-up: takes the wake-up lock exclusively once every writer that holds it
-- shared has ended, or gives up after wait_ms (a long transaction holds it) and reads again.
CREATE OR REPLACE FUNCTION pgcdc.take_wakeup_lock(wait_ms int) RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM set_config('lock_timeout', wait_ms || 'ms', true);
    -- writers that left a mark first (a session lock taken here stays even if the next wait fails)
    PERFORM pg_advisory_lock(1885823844, 1785884270);
    PERFORM pg_advisory_unlock(1885823844, 1785884270);
    PERFORM pg_advisory_lock(1885823844, 1785884268);
    RETURN true;
EXCEPTION WHEN lock_not_available THEN
    RETURN false;
END
$$;
