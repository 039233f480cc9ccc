package dev.baton.rollout;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.common.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a restarted controller needs to adopt a local instance, one JSON file per instance, written
 * temp-file, fsync, atomic rename so a crash never leaves half a record.
 */
final class InstanceRecords {
    /** The instance plus its process's start time, which guards against a reused pid. */
    record Entry(String id, String version, String host, int port, long pid, long startedAtMs, long processStartMs) {
        Instance instance() {
            return new Instance(id, version, host, port, pid, Instant.ofEpochMilli(startedAtMs));
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;

    InstanceRecords(Path dir) {
        this.dir = dir;
    }

    void write(Entry e) {
        try {
            PrivateFiles.directory(dir);
            Path tmp = dir.resolve(e.id() + ".json.tmp");
            Files.deleteIfExists(tmp);
            Files.write(PrivateFiles.file(tmp), JSON.writeValueAsBytes(e));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, dir.resolve(e.id() + ".json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException ex) {
            throw new UncheckedIOException("cannot record instance " + e.id() + " under " + dir, ex);
        }
    }

    Optional<Entry> read(String id) {
        Path f = dir.resolve(id + ".json");
        try {
            return Files.exists(f) ? Optional.of(JSON.readValue(f.toFile(), Entry.class)) : Optional.empty();
        } catch (IOException ex) {
            return Optional.empty();
        }
    }

    List<Entry> all() {
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> f.toString().endsWith(".json"))
                    .forEach(f -> read(f.getFileName().toString().replace(".json", "")).ifPresent(out::add));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out;
    }

    void delete(String id) {
        try {
            Files.deleteIfExists(dir.resolve(id + ".json"));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
