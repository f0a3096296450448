-- The trigger-mode journal as pgcdc installed it before the wake-up was decided at commit and before the
-- (tx_id, id) index (commit 39578a9): JournalUpgradeIT upgrades it with today's setup.
-- pgcdc trigger mode: a durable change journal, written by triggers in the same transaction as each
-- change, so a rolled-back change never appears and nothing is lost while capture is stopped.
-- Wake-up: a notifying transaction holds a cluster-wide lock through its commit, which serialises concurrent
-- writers' commits (it cut their throughput by more than half when every change notified, bench/trigger-cost.sh).
-- So a writer notifies only while capture waits for changes, which it says by holding the wake-up lock (an
-- advisory lock, "pgcd" + "jrnl") exclusively; busy or stopped, it does not hold it, and writers only take and
-- keep it shared until they end. Capture takes it exclusively only once those writers ended (the lock waits
-- for them), then reads once more before it waits: a change is either read then or notified.
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
-- Capture waits: one writer at a time notifies (it holds the notifier lock until it ends); the others leave a
-- mark instead, a shared lock until they end, which capture waits for before it waits again. NOTIFY's commit
-- lock then serialises one commit at a time at most, not every commit while capture wakes up.
CREATE OR REPLACE FUNCTION pgcdc.wake_capture() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF pg_try_advisory_xact_lock(1885823844, 1785884269) THEN
        PERFORM pg_notify('pgcdc_journal', '');
    ELSIF NOT pg_try_advisory_xact_lock_shared(1885823844, 1785884270) THEN
        PERFORM pg_notify('pgcdc_journal', '');
    END IF;
END
$$;

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
    IF NOT pg_try_advisory_xact_lock_shared(1885823844, 1785884268) THEN
        PERFORM pgcdc.wake_capture();
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION pgcdc.journal_truncate() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO pgcdc.journal (tx_id, table_oid, table_schema, table_name, op)
    VALUES (txid_current(), TG_RELID, TG_TABLE_SCHEMA, TG_TABLE_NAME, 't');
    IF NOT pg_try_advisory_xact_lock_shared(1885823844, 1785884268) THEN
        PERFORM pgcdc.wake_capture();
    END IF;
    RETURN NULL;
END
$$;

-- Rows pgcdc writes itself (snapshot watermarks and signals) wake capture up too.
CREATE OR REPLACE FUNCTION pgcdc.journal_wakeup() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT pg_try_advisory_xact_lock_shared(1885823844, 1785884268) THEN
        PERFORM pgcdc.wake_capture();
    END IF;
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS journal_wakeup ON pgcdc.journal;
CREATE TRIGGER journal_wakeup AFTER INSERT ON pgcdc.journal
    FOR EACH ROW WHEN (NEW.table_schema = 'pgcdc') EXECUTE FUNCTION pgcdc.journal_wakeup();

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
