package dev.pgcdc.cli;

import dev.pgcdc.config.ConsumeConfig;
import dev.pgcdc.config.KafkaConfig;
import dev.pgcdc.consume.ChangeFormat;
import dev.pgcdc.consume.TopicConsumer;
import dev.pgcdc.consume.WebView;
import dev.pgcdc.error.CdcException;
import dev.pgcdc.sink.kafka.KafkaClusterCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code pgcdc consume}: shows the changes arriving on a topic. */
@Command(name = "consume", description = "Show each change on a Kafka topic as it arrives.")
final class ConsumeCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC", description = "Topic to read")
    String topic;

    @Option(names = "--from-beginning", description = "Start from the earliest record instead of new ones only")
    boolean fromBeginning;

    @Option(names = "--group", paramLabel = "GROUP",
            description = "Consumer group; its committed position is used and advanced (default: none, commits nothing)")
    String group;

    @Option(names = "--format", defaultValue = "pretty",
            description = "pretty (one readable line), table (aligned columns under a header) or json (the value as is)")
    ConsumeConfig.Format format;

    @Option(names = "--table", paramLabel = "TABLE", split = ",",
            description = "Show only changes of these tables, SCHEMA.TABLE or TABLE (comma-separated or repeated)")
    Set<String> tables = new LinkedHashSet<>();

    @Option(names = "--op", paramLabel = "OP", split = ",",
            description = "Show only these operations: c (insert), u (update), d (delete), t (truncate), r (snapshot read)")
    Set<String> ops = new LinkedHashSet<>();

    enum Color { auto, always, never }

    @Option(names = "--color", defaultValue = "auto",
            description = "auto (on a terminal unless NO_COLOR is set), always or never (default: ${DEFAULT-VALUE})")
    Color color;

    @Option(names = "--max", paramLabel = "N", defaultValue = "0", description = "Exit after N records (0: no limit)")
    long max;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Exit when nothing arrives for this long, e.g. 10s (default: wait forever)")
    Duration timeout;

    @Option(names = "--web", paramLabel = "PORT",
            description = "Also serve a live page on http://localhost:PORT/: the latest changes, changed columns highlighted, "
                    + "and throughput and lag charts (default: off)")
    Integer web;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        KafkaConfig kafkaConfig = kafka.toConfig();
        ConsumeConfig config = new ConsumeConfig(topic, fromBeginning, group, format, max, timeout, tables, ops);
        if (web != null && (web < 0 || web > 65535)) {
            throw new CdcException(CdcException.Kind.CONFIGURATION, "--web must be a port from 0 to 65535, got " + web);
        }
        KafkaClusterCheck.verifyReachable(kafkaConfig, kafka.timeout);
        KafkaClusterCheck.requireTopic(kafkaConfig, config.topic(), kafka.timeout);
        PrintWriter out = spec.commandLine().getOut();
        ChangeFormat lines = ChangeFormat.of(config.format(), colored());
        if (lines.header() != null) {
            out.println(lines.header());
            out.flush();
        }
        try (WebView page = web == null ? null : WebView.serve(web, config.topic());
             TopicConsumer consumer = new TopicConsumer(kafkaConfig, config);
             Signals ignored = Signals.onStopRequest(consumer::stop)) {
            if (page != null) {
                spec.commandLine().getErr().println("Live view on http://localhost:" + page.port() + "/");
                spec.commandLine().getErr().flush();
            }
            consumer.run(change -> {
                if (page != null) {
                    page.show(change);
                }
                out.println(lines.format(change));
                out.flush();
            });
        }
        return ExitCodes.OK;
    }

    private boolean colored() {
        return switch (color) {
            case always -> true;
            case never -> false;
            case auto -> System.console() != null && System.getenv("NO_COLOR") == null && !"dumb".equals(System.getenv("TERM"));
        };
    }
}
