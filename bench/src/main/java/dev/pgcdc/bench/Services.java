package dev.pgcdc.bench;

import java.nio.file.Path;

/** PostgreSQL and Kafka for the run: started here in their own processes, or the user's. */
final class Services implements AutoCloseable {

    private final PrivatePostgres postgres;
    private final KafkaBroker broker;
    private final Database db;
    private final String kafka;

    private Services(PrivatePostgres postgres, KafkaBroker broker, Database db, String kafka) {
        this.postgres = postgres;
        this.broker = broker;
        this.db = db;
        this.kafka = kafka;
    }

    static Services start(BenchRun.Options options, Path logs) throws Exception {
        PrivatePostgres postgres = null;
        KafkaBroker broker = null;
        try {
            Database db;
            if (options.db() == null) {
                postgres = PrivatePostgres.start(logs);
                db = new Database(postgres.url("postgres"), "postgres", PrivatePostgres.PASSWORD);
            } else {
                db = new Database(options.db(), options.user(), options.password());
            }
            String kafka = options.kafka();
            if (kafka == null) {
                broker = KafkaBroker.start(options.project(), logs);
                kafka = broker.bootstrap();
            }
            return new Services(postgres, broker, db, kafka);
        } catch (Exception | Error e) {
            if (broker != null) {
                broker.close();
            }
            if (postgres != null) {
                postgres.close();
            }
            throw e;
        }
    }

    Database db() {
        return db;
    }

    String kafka() {
        return kafka;
    }

    /** The broker's log folder; null with {@code --kafka}, whose log is not on this machine. */
    Path kafkaLogDir() {
        return broker == null ? null : broker.logDir();
    }

    @Override
    public void close() {
        if (broker != null) {
            broker.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }
}
