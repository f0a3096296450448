package dev.pgcdc.source.notify;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.source.PostgresConnections;
import dev.pgcdc.source.PostgresErrors;
import dev.pgcdc.source.SqlScripts;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Installs the tutorial's {@code sales} table, {@code notify_sales_changes()} function and
 * {@code sales_trigger} trigger. Idempotent, and yields exactly the objects of the tutorial's own SQL, so a
 * database prepared by hand and one prepared by pgcdc are the same.
 */
public final class TutorialSchema {

    private static final String SCRIPT = "tutorial-schema.sql";

    private TutorialSchema() {
    }

    public static void install(DatabaseConfig database) {
        String sql = SqlScripts.load(TutorialSchema.class, SCRIPT);
        try (Connection connection = PostgresConnections.open(database, "pgcdc-setup")) {
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute(sql);
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw PostgresErrors.describe(e, database, "installing the tutorial schema");
        }
    }
}
