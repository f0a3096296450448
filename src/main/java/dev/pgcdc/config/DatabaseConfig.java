package dev.pgcdc.config;

import dev.pgcdc.error.CdcException;

import java.util.Properties;
import java.util.regex.Pattern;

/**
 * How to reach PostgreSQL.
 *
 * @param url      a PgJDBC URL, {@code jdbc:postgresql://HOST[:PORT]/DATABASE[?...]} (flag {@code --db},
 *                 env {@code PGCDC_DB_URL})
 * @param user     the role to log in as, or null to take it from the URL (flag {@code --user}, env
 *                 {@code PGCDC_DB_USER})
 * @param password its password, or null (flag {@code --password}, env {@code PGCDC_DB_PASSWORD}); never
 *                 printed
 */
public record DatabaseConfig(String url, String user, String password) {

    private static final String PREFIX = "jdbc:postgresql:";
    private static final Pattern PASSWORD_IN_URL = Pattern.compile("(?i)(password=)[^&]*");

    public DatabaseConfig {
        if (url == null || url.isBlank()) {
            throw new CdcException(CdcException.Kind.CONFIGURATION,
                    "no database given: pass --db jdbc:postgresql://HOST:PORT/DATABASE or set PGCDC_DB_URL");
        }
        if (!url.startsWith(PREFIX)) {
            throw new CdcException(CdcException.Kind.CONFIGURATION,
                    "--db '" + redact(url) + "' is not a PostgreSQL JDBC URL: write it as "
                            + "jdbc:postgresql://HOST:PORT/DATABASE");
        }
        if (user != null && user.isBlank()) {
            user = null;
        }
    }

    /** The URL with any password parameter masked, for messages. */
    public String redactedUrl() {
        return redact(url);
    }

    /** Connection properties for PgJDBC, tagged with the application name seen in {@code pg_stat_activity}. */
    public Properties connectionProperties(String applicationName) {
        Properties properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("ApplicationName", applicationName);
        properties.setProperty("tcpKeepAlive", "true");
        properties.setProperty("connectTimeout", "10");
        return properties;
    }

    @Override
    public String toString() {
        return "DatabaseConfig[url=" + redactedUrl() + ", user=" + user + ", password=" + (password == null ? "none" : "***") + "]";
    }

    private static String redact(String url) {
        return PASSWORD_IN_URL.matcher(url).replaceAll("$1***");
    }
}
