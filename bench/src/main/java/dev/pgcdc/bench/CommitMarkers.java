package dev.pgcdc.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * When each transactional record became visible to a {@code read_committed} consumer: the broker's timestamp of
 * the commit marker that ended its transaction. A consumer never receives markers, so they are read from the
 * broker's own log segments (the bench's broker, whose log folder is local). Reads the record-batch headers
 * only, by the v2 format in Kafka's protocol documentation ("Record Batch"): baseOffset int64, batchLength
 * int32, partitionLeaderEpoch int32, magic int8, crc int32, attributes int16 (0x10 transactional, 0x20
 * control), lastOffsetDelta int32, baseTimestamp int64, maxTimestamp int64, producerId int64, ...
 */
final class CommitMarkers {

    private static final int HEADER = 61;

    /** Per transactional data batch, keyed by its base offset: {last offset, marker timestamp}. */
    private final NavigableMap<Long, long[]> batches;

    private CommitMarkers(NavigableMap<Long, long[]> batches) {
        this.batches = batches;
    }

    /** The markers of partition {@code partition} of {@code topic} under the broker's {@code logDir}. */
    static CommitMarkers read(Path logDir, String topic, int partition) throws IOException {
        Path folder = logDir.resolve(topic + "-" + partition);
        List<Path> segments;
        try (Stream<Path> files = Files.list(folder)) {
            segments = files.filter(f -> f.getFileName().toString().endsWith(".log")).sorted().toList();
        }
        NavigableMap<Long, long[]> batches = new TreeMap<>();
        Map<Long, List<long[]>> open = new HashMap<>();
        for (Path segment : segments) {
            scan(segment, batches, open);
        }
        return new CommitMarkers(batches);
    }

    /**
     * When the record at {@code offset} became visible: its transaction's marker time, or {@code appendMs} for a
     * record outside a transaction (visible once appended: a single replica's high watermark moves on append).
     */
    long visibleAt(long offset, long appendMs) {
        Map.Entry<Long, long[]> batch = batches.floorEntry(offset);
        if (batch == null || offset > batch.getValue()[0] || batch.getValue()[1] == 0) {
            return appendMs;
        }
        return batch.getValue()[1];
    }

    private static void scan(Path segment, NavigableMap<Long, long[]> batches, Map<Long, List<long[]>> open) throws IOException {
        try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ)) {
            long size = channel.size();
            long position = 0;
            ByteBuffer header = ByteBuffer.allocate(HEADER);
            while (position + HEADER <= size) {
                header.clear();
                channel.read(header, position);
                long baseOffset = header.getLong(0);
                int length = header.getInt(8);
                if (length <= 0 || position + 12 + length > size) {
                    break; // a batch still being written, or the preallocated tail
                }
                short attributes = header.getShort(21);
                long lastOffset = baseOffset + header.getInt(23);
                long maxTimestamp = header.getLong(35);
                long producerId = header.getLong(43);
                boolean transactional = (attributes & 0x10) != 0;
                boolean control = (attributes & 0x20) != 0;
                if (transactional && control) {
                    List<long[]> ended = open.remove(producerId);
                    if (ended != null) {
                        ended.forEach(batch -> batch[1] = maxTimestamp);
                    }
                } else if (transactional) {
                    long[] batch = {lastOffset, 0};
                    batches.put(baseOffset, batch);
                    open.computeIfAbsent(producerId, id -> new java.util.ArrayList<>()).add(batch);
                }
                position += 12 + length;
            }
        }
    }
}
