package dev.pgcdc.source;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.error.RetriableCdcException;

import java.sql.SQLException;

/** Turns PostgreSQL's errors into one-line messages, classified by SQLState. */
public final class PostgresErrors {

    private PostgresErrors() {
    }

    /** True when the connection is gone or the server is restarting, so reconnecting may succeed. */
    public static boolean isTransient(SQLException e) {
        String state = e.getSQLState();
        return state == null
                || state.startsWith("08")      // connection_exception
                || state.equals("57P01")       // admin_shutdown, e.g. pg_terminate_backend
                || state.equals("57P02")       // crash_shutdown
                || state.equals("57P03")       // cannot_connect_now: starting up or shutting down
                || state.equals("53300");      // too_many_connections
    }

    /** A certificate or handshake failure: retrying cannot help, the settings must change. */
    private static boolean causedByTls(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof javax.net.ssl.SSLException || cause instanceof java.security.cert.CertificateException) {
                return true;
            }
        }
        return false;
    }

    /** The failure to connect, or to run {@code what}, as a user-facing exception. */
    public static CdcException describe(SQLException e, DatabaseConfig database, String what) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String where = database.redactedUrl();
        String role = database.user() == null ? "the given user" : "user '" + database.user() + "'";
        if (causedByTls(e)) {
            return new CdcException(CdcException.Kind.CONFIGURATION, "the TLS connection to PostgreSQL at " + where
                    + " failed (" + firstLine(e) + "): with sslmode=verify-ca or verify-full, sslrootcert must name the "
                    + "certificate of the authority that signed the server's certificate, and with verify-full the host in "
                    + "--db must be one the certificate names", e);
        }
        return switch (state) {
            case "28P01", "28000" -> new CdcException(CdcException.Kind.CONFIGURATION,
                    "PostgreSQL at " + where + " rejected the login of " + role
                            + ": check --user and --password (PGCDC_DB_USER, PGCDC_DB_PASSWORD)", e);
            case "3D000" -> new CdcException(CdcException.Kind.CONFIGURATION,
                    "the database in " + where + " does not exist: create it or fix --db", e);
            case "42P01" -> new CdcException(CdcException.Kind.CONFIGURATION,
                    "a table is missing while " + what + ": " + firstLine(e) + " (run `pgcdc setup` first?)", e);
            case "42501" -> new CdcException(CdcException.Kind.CONFIGURATION,
                    role + " lacks a privilege needed for " + what + ": " + firstLine(e), e);
            default -> isTransient(e)
                    ? new RetriableCdcException("cannot reach PostgreSQL at " + where + " (" + firstLine(e)
                            + "): check --db and that the server is running", e)
                    : new CdcException(CdcException.Kind.INTERNAL,
                            "PostgreSQL failed while " + what + ": " + firstLine(e) + " [SQLState " + state + "]", e);
        };
    }

    private static String firstLine(SQLException e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).trim();
    }
}
