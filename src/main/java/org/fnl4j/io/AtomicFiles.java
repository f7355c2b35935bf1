package org.fnl4j.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Crash-safe file replacement: the content goes to a temporary file in the target's directory, is
 * forced to disk, and is then renamed over the target in one atomic step (followed by a sync of the
 * directory entry). A reader therefore sees either the complete old file or the complete new one,
 * never a partial file, even if the process is killed or the disk fills up mid-write; on failure the
 * temporary file is removed and the old target is left untouched.
 */
public final class AtomicFiles {
    private static final AtomicLong COUNTER = new AtomicLong();

    private AtomicFiles() {}

    /** Writes the content to a stream; may throw {@link IOException}. */
    @FunctionalInterface
    public interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Atomically replaces {@code target} with what {@code writer} produces. The directory must exist.
     *
     * @throws IOException naming the target and the cause (unwritable directory, disk full, ...)
     */
    public static void write(Path target, Writer writer) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new NoSuchFileException(String.valueOf(target), null,
                    "cannot write: directory " + dir + " does not exist");
        }
        if (Files.isDirectory(abs)) {
            throw new FileSystemException(String.valueOf(target), null, "cannot write: it is a directory");
        }
        Path tmp = dir.resolve("." + abs.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
                + COUNTER.incrementAndGet());
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                writer.writeTo(out);
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot write " + target + ": the file system does not support atomic rename", e);
            }
            done = true;
            syncDirectory(dir);
        } catch (IOException e) {
            throw new IOException("cannot write " + target + ": " + describe(e)
                    + (done ? "" : " (the previous file, if any, is unchanged)"), e);
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // The original failure is the one worth reporting.
                }
            }
        }
    }

    /** Atomically replaces {@code target} with {@code bytes}. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    private static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void syncDirectory(Path dir) {
        // Makes the rename itself durable; some platforms cannot open a directory, which only loses durability.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Best effort by design.
        }
    }
}
