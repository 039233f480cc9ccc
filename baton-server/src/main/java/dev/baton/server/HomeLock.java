package dev.baton.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.OptionalLong;

/**
 * One control plane per home: an exclusive lock on {@code .baton/control-plane.lock}, holding the holder's pid.
 * The operating system drops the lock when its holder exits, however it exits (SIGKILL included), so a dead
 * control plane never blocks the next start. {@code baton down} takes the same lock while it stops the data
 * plane, so no control plane starts in the middle.
 *
 * <p>The lock is a POSIX record lock, owned by the process: closing <em>any</em> descriptor of this file in the
 * holding process would release it. So only this class opens the file, and never while this process holds it
 * (the homes held here are remembered in {@link #HELD}).
 */
final class HomeLock implements AutoCloseable {
    private static final java.util.Set<Path> HELD = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final FileChannel channel;
    private final FileLock lock;

    /** The home is held by another process (or another control plane in this one). */
    static final class Busy extends RuntimeException {
        private final long holderPid;

        Busy(BatonHome home, long holderPid) {
            super("another control plane (pid " + (holderPid > 0 ? holderPid : "unknown") + ") is running on "
                    + home.dir() + "; stop it first ('baton down --home " + home.dir() + "' stops everything) "
                    + "or use another --home");
            this.holderPid = holderPid;
        }

        long holderPid() {
            return holderPid;
        }
    }

    private final Path file;
    private final java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);

    private HomeLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    static Path file(BatonHome home) {
        return home.dir().resolve("control-plane.lock");
    }

    /**
     * Takes the home's lock and writes this process's pid into it.
     *
     * @throws Busy when another process holds it
     */
    static HomeLock acquire(BatonHome home) {
        Path file = file(home);
        if (!HELD.add(file)) {
            throw new Busy(home, ProcessHandle.current().pid());
        }
        FileChannel ch = null;
        try {
            Files.createDirectories(home.dir());
            ch = open(file);
            FileLock lock = ch.tryLock();
            if (lock == null) {
                long holder = readPid(ch);
                ch.close();
                throw new Busy(home, holder);
            }
            ch.truncate(0);
            ch.write(StandardCharsets.UTF_8.encode(ProcessHandle.current().pid() + "\n"), 0);
            ch.force(true);
            return new HomeLock(file, ch, lock);
        } catch (RuntimeException e) {
            HELD.remove(file);
            closeQuietly(ch);
            throw e;
        } catch (IOException e) {
            HELD.remove(file);
            closeQuietly(ch);
            throw new UncheckedIOException("cannot lock " + file + ": " + e.getMessage(), e);
        }
    }

    /** The pid of the process holding the home, if one does. */
    static OptionalLong holder(BatonHome home) {
        Path file = file(home);
        if (HELD.contains(file)) {
            return OptionalLong.of(ProcessHandle.current().pid());
        }
        if (!Files.exists(file)) {
            return OptionalLong.empty();
        }
        try (FileChannel ch = open(file)) {
            FileLock probe = ch.tryLock(0, Long.MAX_VALUE, true);
            if (probe != null) {
                probe.release();
                return OptionalLong.empty();
            }
            long pid = readPid(ch);
            return pid > 0 ? OptionalLong.of(pid) : OptionalLong.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static FileChannel open(Path file) throws IOException {
        if (!Files.exists(file)) {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // another process created it first
            }
        }
        return FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }

    private static long readPid(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(32);
        ch.read(buf, 0);
        String text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).strip();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing to release
            }
        }
    }

    /** Releases the lock (the file stays; its pid is stale until the next holder writes its own). Idempotent. */
    @Override
    public void close() {
        if (!open.compareAndSet(true, false)) {
            return;
        }
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel releases it too
        }
        closeQuietly(channel);
        HELD.remove(file);
    }
}
