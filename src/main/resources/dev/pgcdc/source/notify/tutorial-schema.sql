-- The tutorial's schema, made idempotent: running it again changes nothing, and running it on a database
-- prepared by hand with the tutorial's own SQL leaves that database as it was.
-- An advisory lock serialises concurrent setups of the same database.
SELECT pg_advisory_xact_lock(hashtext('pgcdc.setup.tutorial'));

CREATE TABLE IF NOT EXISTS sales(
    id SERIAL PRIMARY KEY,
    customer_name VARCHAR(100),
    amount DECIMAL(10,2),
    sales_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);

CREATE OR REPLACE FUNCTION notify_sales_changes()
RETURNS TRIGGER AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM pg_notify('sales_channel', row_to_json(NEW)::text);
    END IF;

    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

-- CREATE OR REPLACE TRIGGER needs PostgreSQL 14; this form works on every supported version.
DROP TRIGGER IF EXISTS sales_trigger ON sales;
CREATE TRIGGER sales_trigger
AFTER INSERT ON sales
FOR EACH ROW
EXECUTE FUNCTION notify_sales_changes();
