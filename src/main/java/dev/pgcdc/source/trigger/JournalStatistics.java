package dev.pgcdc.source.trigger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;

/**
 * Keeps the planner's statistics of the journal current while capture reads a backlog. A backlog is written faster
 * than autovacuum analyzes the journal (a minute apart at best), and with statistics from before it the planner takes
 * a batch's transaction-id range for a few rows: it ANDs that index with the primary key, and each page then reads and
 * sorts the rest of the batch (2,736 blocks for a page of 100 rows of a 100,000-row backlog, and a 1,000,000-row drain
 * at a quarter of its speed).
 *
 * <p>So once capture has been reading full pages in a row for {@link #BACKLOG_AGE} (a backlog: more of it follows),
 * it analyzes the journal: at once the first time, then at most once per {@link #INTERVAL} while backlogs last. Not at
 * the first full page: analyzing holds up reading for as long as it takes (sampling up to 30,000 blocks), and in a busy
 * stream of small batches, where the page plans do not matter, that delayed changes by a few hundred milliseconds.
 * Not after a count of pages either: with the old statistics a page of a large backlog takes up to a second, and ten
 * pages made a 1,000,000-row drain wait 10 s for it. Not when the journal merely grew: a vacuum records its new size
 * without new statistics, and a backlog refills the space earlier rows left.
 *
 * <p>A capture started on a backlog written while it was stopped analyzes before its first page, once the journal's
 * statistics count fewer rows than changed since they were taken ({@link #STALE_ROWS} at least): the rule above first
 * reads a second of pages with the old plans, which in a 1,000,000-row drain put the analyze about 3 s after the
 * writers' end instead of 1.6 s (JVM start included), and the drain at 70,600–71,300 rows/s instead of 74,300–79,400.
 *
 * <p>It waits at most {@link #LOCK_WAIT} for a vacuum or analyze already running. A role that may not analyze the
 * journal, or any other failure of the analyze but a lost connection, is told once: reading goes on with the old
 * statistics either way.
 */
final class JournalStatistics {

    static final Duration BACKLOG_AGE = Duration.ofSeconds(1);
    static final Duration INTERVAL = Duration.ofSeconds(10);
    /**
     * Longer than PostgreSQL's default {@code deadlock_timeout} (1 s), after which it cancels an autovacuum that blocks
     * another session's lock: autovacuum starts on a fresh backlog too, and a shorter wait found it there for as long
     * as the drain lasted.
     */
    static final Duration LOCK_WAIT = Duration.ofMillis(1_500);
    /** Fewer rows changed than this since the statistics, and a start reads on with them: the plans barely change. */
    static final long STALE_ROWS = 10_000;
    private static final String LOCK_NOT_AVAILABLE = "55P03";
    private static final String CONNECTION_EXCEPTION = "08";
    private static final Logger log = LoggerFactory.getLogger(JournalStatistics.class);

    private boolean started;
    private int fullPagesInARow;
    private long firstFullPageNanos;
    private boolean analyzed;
    private long lastAnalyzeNanos;
    private boolean allowed = true;
    private final Duration backlogAge;
    private final Duration interval;

    JournalStatistics() {
        this(BACKLOG_AGE, INTERVAL);
    }

    /** With {@code backlogAge} and {@code interval} instead of {@link #BACKLOG_AGE} and {@link #INTERVAL}. */
    JournalStatistics(Duration backlogAge, Duration interval) {
        this.backlogAge = backlogAge;
        this.interval = interval;
    }

    /**
     * Before capture's first read after a start, on {@code connection} in autocommit: analyzes the journal when its
     * statistics are stale. Only the first call looks. Whether it analyzed.
     */
    boolean beforeFirstRead(Connection connection) throws SQLException {
        if (started) {
            return false;
        }
        boolean stale;
        try {
            stale = changedSinceStatistics(connection);
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith(CONNECTION_EXCEPTION)) {
                throw e;
            }
            log.debug("Could not read the journal's statistics", e);
            stale = false;
        }
        started = true;
        return stale && analyzeNow(connection);
    }

    /** Whether more rows changed in the journal since its statistics than they count, {@link #STALE_ROWS} at least. */
    private static boolean changedSinceStatistics(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT coalesce(s.n_mod_since_analyze, 0), greatest(c.reltuples, 0)::bigint"
                     + " FROM pg_class c LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid WHERE c.oid = 'pgcdc.journal'::regclass")) {
            if (!rows.next()) {
                return false;
            }
            long changed = rows.getLong(1);
            return changed >= STALE_ROWS && changed > rows.getLong(2);
        }
    }

    /**
     * After each page of a batch, read on {@code connection} in autocommit ({@code full}: more of the batch may
     * follow): analyzes the journal when a backlog is being read and it is {@link #due}. Whether it did.
     */
    boolean pageRead(Connection connection, boolean full) throws SQLException {
        long now = System.nanoTime();
        fullPagesInARow = full ? fullPagesInARow + 1 : 0;
        if (fullPagesInARow == 1) {
            firstFullPageNanos = now;
        }
        if (!allowed || fullPagesInARow < 2
                || !due(now - firstFullPageNanos, analyzed ? now - lastAnalyzeNanos : Long.MAX_VALUE, backlogAge, interval)) {
            return false;
        }
        return analyzeNow(connection);
    }

    /**
     * Whether to analyze after reading full pages in a row for {@code readingNanos}, {@code sinceLastNanos} after the
     * last analyze.
     */
    static boolean due(long readingNanos, long sinceLastNanos, Duration backlogAge, Duration interval) {
        return readingNanos >= backlogAge.toNanos() && sinceLastNanos >= interval.toNanos();
    }

    private boolean analyzeNow(Connection connection) throws SQLException {
        analyzed = true;
        lastAnalyzeNanos = System.nanoTime();
        try (Statement statement = connection.createStatement()) {
            return analyze(connection, statement);
        }
    }

    private boolean analyze(Connection connection, Statement statement) throws SQLException {
        connection.setAutoCommit(false);
        try {
            statement.execute("SET LOCAL lock_timeout = " + LOCK_WAIT.toMillis());
            long started = System.nanoTime();
            statement.execute("ANALYZE pgcdc.journal");
            SQLWarning refused = statement.getWarnings();
            connection.commit();
            if (refused != null) {
                allowed = false;
                log.info("The capture role may not analyze pgcdc.journal ({}), so a large backlog may drain slower until autovacuum"
                        + " does: its owner may, and from PostgreSQL 17 so may a role granted MAINTAIN on it", refused.getMessage());
                return false;
            }
            log.debug("Analyzed pgcdc.journal in {} ms: a backlog is being read", (System.nanoTime() - started) / 1_000_000);
            return true;
        } catch (SQLException e) {
            connection.rollback();
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.equals(LOCK_NOT_AVAILABLE)) {
                log.debug("Did not analyze pgcdc.journal: a vacuum or analyze holds it");
                return false;
            }
            if (state.startsWith(CONNECTION_EXCEPTION)) {
                throw e;
            }
            // never worth stopping capture for: the page plans only get slower
            allowed = false;
            log.info("Could not analyze pgcdc.journal ({}), so a large backlog may drain slower until autovacuum does",
                    e.getMessage().lines().findFirst().orElse(""));
            return false;
        } finally {
            connection.setAutoCommit(true);
        }
    }
}
