package dev.pgcdc.bench;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The peer, its own process: Debezium's PostgreSQL connector in its embedded engine (pgoutput, an existing
 * publication, no snapshot), each batch sent to Kafka with an idempotent {@code acks=all} producer and marked
 * processed once Kafka has it — at-least-once, as pgcdc. Prints {@code Capturing} once the task runs.
 */
public final class DebeziumCapture {

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv);
        URI db = URI.create(args.get("db").substring("jdbc:".length()));
        Properties engine = new Properties();
        engine.setProperty("name", "bench");
        engine.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        engine.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
        engine.setProperty("offset.storage.file.filename", args.get("offsets"));
        // Confirms positions about as often as pgcdc does (Debezium's default is once a minute).
        engine.setProperty("offset.flush.interval.ms", "1000");
        engine.setProperty("database.hostname", db.getHost());
        engine.setProperty("database.port", Integer.toString(db.getPort()));
        engine.setProperty("database.user", args.get("user"));
        engine.setProperty("database.password", System.getenv().getOrDefault("BENCH_DB_PASSWORD", ""));
        engine.setProperty("database.dbname", db.getPath().substring(1));
        engine.setProperty("topic.prefix", args.get("topic-prefix"));
        engine.setProperty("plugin.name", "pgoutput");
        engine.setProperty("slot.name", args.get("slot"));
        engine.setProperty("publication.name", args.get("publication"));
        engine.setProperty("publication.autocreate.mode", "disabled");
        engine.setProperty("snapshot.mode", "no_data");
        // pgcdc writes numerics as JSON numbers; Debezium's default is base64 bytes, so strings are the closest.
        engine.setProperty("decimal.handling.mode", "string");
        engine.setProperty("converter.schemas.enable", "false");

        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, args.get("kafka"));
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps);

        DebeziumEngine<ChangeEvent<String, String>> debezium = DebeziumEngine.create(Json.class)
                .using(engine)
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void taskStarted() {
                        System.out.println("Capturing with Debezium's embedded engine");
                        System.out.flush();
                    }
                })
                .notifying((records, committer) -> {
                    List<Future<?>> sent = new ArrayList<>(records.size());
                    for (ChangeEvent<String, String> record : records) {
                        sent.add(producer.send(new ProducerRecord<>(record.destination(), record.key(), record.value())));
                    }
                    for (int i = 0; i < records.size(); i++) {
                        try {
                            sent.get(i).get();
                        } catch (java.util.concurrent.ExecutionException e) {
                            throw new IllegalStateException("Kafka refused a record", e.getCause());
                        }
                        committer.markProcessed(records.get(i));
                    }
                    committer.markBatchFinished();
                })
                .using((success, message, error) -> {
                    if (!success) {
                        System.err.println("Debezium stopped: " + message);
                        if (error != null) {
                            error.printStackTrace();
                        }
                    }
                })
                .build();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                debezium.close();
                executor.shutdown();
                executor.awaitTermination(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                e.printStackTrace();
            } finally {
                producer.close();
            }
        }));
        executor.execute(debezium);
    }
}
