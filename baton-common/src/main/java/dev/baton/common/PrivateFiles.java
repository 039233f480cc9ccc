package dev.baton.common;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files and directories only their owner may read: Baton's home holds tokens, a database password, instance logs
 * (which print whatever an app prints) and records of what runs where. Directories are 0700, files 0600, from the
 * moment they exist; ones an older version left more open are tightened when they are next used.
 */
public final class PrivateFiles {

    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private PrivateFiles() {}

    /** The attribute that creates a file readable by its owner only. */
    public static FileAttribute<Set<PosixFilePermission>> fileAttribute() {
        return PosixFilePermissions.asFileAttribute(FILE);
    }

    /** Creates {@code dir} (and missing parents) as 0700, or tightens it to 0700; returns it. */
    public static Path directory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Path parent = dir.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                Files.createDirectories(parent);
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR));
            } catch (FileAlreadyExistsException raced) {
                // created meanwhile: tightened below
            }
        }
        Files.setPosixFilePermissions(dir, DIR);
        return dir;
    }

    /** Creates {@code file} empty as 0600, or tightens it to 0600; its directory must exist. Returns it. */
    public static Path file(Path file) throws IOException {
        try {
            Files.createFile(file, fileAttribute());
        } catch (FileAlreadyExistsException exists) {
            Files.setPosixFilePermissions(file, FILE);
        }
        return file;
    }
}
