package dev.pgcdc.cli;

import dev.pgcdc.config.DatabaseConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.config.NotifyCaptureConfig;
import dev.pgcdc.pipeline.Capture;
import dev.pgcdc.sink.kafka.KafkaClusterCheck;
import dev.pgcdc.sink.kafka.KafkaSink;
import dev.pgcdc.source.notify.NotifySource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code pgcdc capture}: streams changes from PostgreSQL into Kafka until stopped. */
@Command(name = "capture", description = "Stream changes from PostgreSQL into Kafka until Ctrl-C / SIGTERM.")
final class CaptureCommand implements Callable<Integer> {

    enum Mode { notify }

    @Mixin
    DatabaseOptions database;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--mode", required = true, description = "Capture mode: ${COMPLETION-CANDIDATES}")
    Mode mode;

    @Option(names = "--channel", paramLabel = "CHANNEL",
            description = "LISTEN channel, repeatable (default: " + NotifyCaptureConfig.DEFAULT_CHANNEL + ")")
    List<String> channels = new ArrayList<>();

    @Option(names = "--topic", paramLabel = "TOPIC", description = "Kafka topic for every channel (default: the channel's name)")
    String topic;

    @Option(names = "--key-field", paramLabel = "FIELD", defaultValue = NotifyCaptureConfig.DEFAULT_KEY_FIELD,
            description = "Payload field that becomes the record key {\"FIELD\":value} (default: ${DEFAULT-VALUE})")
    String keyField;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        DatabaseConfig databaseConfig = database.toConfig();
        KafkaConfig kafkaConfig = kafka.toConfig();
        NotifyCaptureConfig notify = new NotifyCaptureConfig(channels, topic, keyField);
        PrintWriter out = spec.commandLine().getOut();

        KafkaClusterCheck.verifyReachable(kafkaConfig, kafka.timeout);
        KafkaClusterCheck.ensureTopics(kafkaConfig, notify.topics(), kafka.timeout);
        NotifySource source = NotifySource.open(databaseConfig, notify);
        KafkaSink sink;
        try {
            sink = new KafkaSink(kafkaConfig, notify.topics());
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
        Capture capture = Capture.start(source, sink);
        Thread stopper = new Thread(() -> {
            capture.close();
            out.println("Stopped: " + capture.delivered() + " change(s) delivered to Kafka.");
            out.flush();
        }, "pgcdc-shutdown");
        Runtime.getRuntime().addShutdownHook(stopper);
        out.println("Capturing NOTIFY on " + notify.channels() + " from " + databaseConfig.redactedUrl()
                + " into Kafka " + kafkaConfig.bootstrapServers() + " topic(s) "
                + notify.channels().stream().map(notify::topicFor).distinct().toList() + ". Ctrl-C to stop.");
        out.flush();
        try {
            capture.await();
        } finally {
            removeHook(stopper);
            capture.close();
        }
        return ExitCodes.OK;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is already running and will finish the shutdown
        }
    }
}
