package dev.baton.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps the last live route table on disk so a restarted proxy serves what it served before.
 * Writes go to a temporary file in the same directory, are fsynced, then renamed over the old file
 * atomically (and the directory fsynced), so a crash leaves either the old or the new table, whole.
 */
public final class RouteTableStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public RouteTableStore(Path file) {
        this.file = file.toAbsolutePath();
    }

    public Path file() {
        return file;
    }

    /** The stored table, or empty when there is none yet. */
    public Optional<RouteTable> load() throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(JSON.readValue(file.toFile(), RouteTable.class));
    }

    /** Stores {@code table} durably, replacing the previous one in one atomic rename. */
    public synchronized void save(RouteTable table) throws IOException {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(table);
        Files.deleteIfExists(tmp); // created afresh, so it is the owner's only from the start
        try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true); // makes the rename itself durable
        } catch (IOException notSupported) {
            // some file systems cannot open a directory for fsync; the rename is still atomic
        }
    }
}
