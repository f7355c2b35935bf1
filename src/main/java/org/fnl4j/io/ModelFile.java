package org.fnl4j.io;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import org.fnl4j.tensor.Tensor;

/**
 * The fnl4j container format shared by model files and checkpoints: a JSON header (architecture,
 * factorization, metadata, training state) followed by named float32 tensors, protected by a
 * CRC32C over the whole file. The byte layout is documented in {@code docs/format.md}:
 *
 * <pre>
 *   "FNL4J\0"                     6 bytes magic
 *   u16 version                   {@value #FORMAT_VERSION}
 *   u32 headerLength, headerLength bytes of UTF-8 JSON (an object)
 *   u32 tensorCount
 *   tensorCount × { u16 nameLength, UTF-8 name, u8 rank, rank × u32 dim, product(dims) × f32 }
 *   u32 CRC32C of every byte before it
 * </pre>
 *
 * All integers and floats are little-endian. Tensors are row-major with the stated shape.
 *
 * <p>Reading validates everything before trusting it: magic, version, checksum, and every length
 * against the bytes that remain, so a corrupted or forged file fails with a
 * {@link ModelFormatException} and never with an out-of-memory error or another exception.
 * Writing is atomic ({@link AtomicFiles}).
 */
public final class ModelFile {
    /** The 6 magic bytes that start every fnl4j file. */
    static final byte[] MAGIC = {'F', 'N', 'L', '4', 'J', 0};
    /** The format version this code writes and the newest it reads. */
    public static final int FORMAT_VERSION = 1;
    /** Largest rank a stored tensor may have. */
    public static final int MAX_RANK = 16;
    /** Largest file (bytes) this implementation reads into memory. */
    static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 64;

    private static final int MIN_SIZE = 6 + 2 + 4 + 2 + 4 + 4; // magic, version, header len, "{}", count, crc

    private ModelFile() {}

    /**
     * What a file holds.
     *
     * @param header the JSON header object (read-only)
     * @param tensors named tensors in file order (read-only map; the tensors are fresh and owned by the caller)
     */
    public record Contents(Map<String, Object> header, Map<String, Tensor> tensors) {
        /** @return the named tensor; throws {@link IllegalStateException} naming it when the file has none. */
        public Tensor tensor(String name) {
            Tensor t = tensors.get(name);
            if (t == null) {
                throw new IllegalStateException("model file has no tensor named '" + name + "'");
            }
            return t;
        }
    }

    // ---- writing -------------------------------------------------------------------------------

    /**
     * Atomically writes {@code header} and {@code tensors} (in the map's order) to {@code file}.
     *
     * @param header a JSON-compatible object (see {@link Json})
     * @param tensors names (non-empty, unique, at most 65535 UTF-8 bytes) to tensors of rank ≤ {@value #MAX_RANK}
     * @throws IOException naming the file when it cannot be written (old file left unchanged)
     */
    public static void write(Path file, Map<String, Object> header, Map<String, Tensor> tensors) throws IOException {
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            checkTensor(file, e.getKey(), e.getValue());
        }
        AtomicFiles.write(file, out -> writeTo(out, json, tensors));
    }

    /** Writes the complete file (including the checksum) to a stream, e.g. for an in-memory copy. */
    public static void writeTo(OutputStream sink, Map<String, Object> header, Map<String, Tensor> tensors)
            throws IOException {
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            checkTensor(Path.of("<stream>"), e.getKey(), e.getValue());
        }
        writeTo(sink, json, tensors);
    }

    private static void checkTensor(Path file, String name, Tensor t) {
        int nameLen = name == null ? 0 : name.getBytes(StandardCharsets.UTF_8).length;
        if (nameLen == 0 || nameLen > 0xFFFF) {
            throw new IllegalArgumentException("ModelFile.write " + file + ": tensor name must be 1..65535 UTF-8 bytes, got '"
                    + name + "'");
        }
        if (t.dim() > MAX_RANK) {
            throw new IllegalArgumentException("ModelFile.write " + file + ": tensor '" + name + "' has rank " + t.dim()
                    + ", at most " + MAX_RANK + " is supported");
        }
    }

    private static void writeTo(OutputStream sink, byte[] json, Map<String, Tensor> tensors) throws IOException {
        CRC32C crc = new CRC32C();
        DataOutputStream out = new DataOutputStream(new CheckedOutputStream(sink, crc));
        out.write(MAGIC);
        writeU16(out, FORMAT_VERSION);
        writeU32(out, json.length);
        out.write(json);
        writeU32(out, tensors.size());
        byte[] buf = new byte[1 << 16];
        ByteBuffer bb = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            Tensor t = e.getValue();
            writeU16(out, name.length);
            out.write(name);
            out.writeByte(t.dim());
            for (int d : t.shape()) {
                writeU32(out, d);
            }
            float[] data = t.data();
            int off = t.offset();
            int n = t.size();
            for (int i = 0; i < n; ) {
                bb.clear();
                int chunk = Math.min(n - i, buf.length / 4);
                for (int j = 0; j < chunk; j++) {
                    bb.putFloat(data[off + i + j]);
                }
                out.write(buf, 0, chunk * 4);
                i += chunk;
            }
        }
        out.flush();
        long c = crc.getValue();
        byte[] tail = {(byte) c, (byte) (c >>> 8), (byte) (c >>> 16), (byte) (c >>> 24)};
        sink.write(tail);
        sink.flush();
    }

    private static void writeU16(DataOutputStream out, int v) throws IOException {
        out.write(v & 0xFF);
        out.write((v >>> 8) & 0xFF);
    }

    private static void writeU32(DataOutputStream out, long v) throws IOException {
        out.write((int) (v & 0xFF));
        out.write((int) ((v >>> 8) & 0xFF));
        out.write((int) ((v >>> 16) & 0xFF));
        out.write((int) ((v >>> 24) & 0xFF));
    }

    // ---- reading -------------------------------------------------------------------------------

    /**
     * Reads and validates a whole file.
     *
     * @throws NoSuchFileException when the file does not exist
     * @throws ModelFormatException naming the file and the problem, for anything that is not a valid fnl4j file
     */
    public static Contents read(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new ModelFormatException(file, "is a directory, expected an fnl4j model or checkpoint file");
        }
        byte[] bytes;
        try (SeekableByteChannel ch = Files.newByteChannel(file)) {
            long size = ch.size();
            if (size > MAX_FILE_BYTES) {
                throw new ModelFormatException(file, "file is " + size + " bytes; files over " + MAX_FILE_BYTES
                        + " bytes are not supported");
            }
            bytes = new byte[(int) size];
            ByteBuffer bb = ByteBuffer.wrap(bytes);
            while (bb.hasRemaining()) {
                if (ch.read(bb) < 0) {
                    throw new ModelFormatException(file, "file shrank while being read");
                }
            }
        }
        return parse(bytes, String.valueOf(file));
    }

    /** Reads a whole stream (e.g. a classpath resource) named {@code source} for messages. */
    public static Contents read(InputStream in, String source) throws IOException {
        return parse(in.readAllBytes(), source);
    }

    /**
     * Validates and decodes a complete file image.
     *
     * @param source the file name used in error messages
     */
    public static Contents parse(byte[] bytes, String source) throws ModelFormatException {
        if (bytes.length < MAGIC.length || !Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new ModelFormatException(source, "not an fnl4j model/checkpoint file (wrong magic: expected \"FNL4J\\0\", got "
                    + hex(bytes, Math.min(bytes.length, MAGIC.length)) + ")");
        }
        if (bytes.length < MAGIC.length + 2) {
            throw new ModelFormatException(source, "truncated: " + bytes.length + " bytes, the smallest valid file has "
                    + MIN_SIZE);
        }
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        bb.position(MAGIC.length);
        int version = Short.toUnsignedInt(bb.getShort());
        if (version > FORMAT_VERSION) {
            throw new ModelFormatException(source, "format version " + version + " is newer than this fnl4j reads (up to "
                    + FORMAT_VERSION + "); use a newer fnl4j");
        }
        if (version < 1) {
            throw new ModelFormatException(source, "invalid format version 0 (expected 1.." + FORMAT_VERSION + ")");
        }
        if (bytes.length < MIN_SIZE) {
            throw new ModelFormatException(source, "truncated: " + bytes.length + " bytes, the smallest valid file has "
                    + MIN_SIZE);
        }
        int end = bytes.length - 4;
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, end);
        long stored = Integer.toUnsignedLong(ByteBuffer.wrap(bytes, end, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
        if (stored != crc.getValue()) {
            throw new ModelFormatException(source, String.format(
                    "checksum mismatch: the file is corrupted or truncated (stored CRC32C %08x, computed %08x over %d bytes)",
                    stored, crc.getValue(), end));
        }
        bb.limit(end);

        long headerLen = u32(bb, source, "header length");
        if (headerLen > bb.remaining()) {
            throw new ModelFormatException(source, "header length " + headerLen + " exceeds the " + bb.remaining()
                    + " bytes left in the file");
        }
        String jsonText;
        try {
            jsonText = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bb.slice(bb.position(), (int) headerLen)).toString();
        } catch (CharacterCodingException e) {
            throw new ModelFormatException(source, "header is not valid UTF-8");
        }
        bb.position(bb.position() + (int) headerLen);
        Map<String, Object> header;
        try {
            header = Json.parseObject(jsonText);
        } catch (Json.JsonException e) {
            throw new ModelFormatException(source, "header is not a valid JSON object: " + e.getMessage());
        }

        long count = u32(bb, source, "tensor count");
        // Each tensor needs at least 3 bytes (name length + rank) + 1 name byte: bounds the count by the bytes left.
        if (count > bb.remaining() / 4) {
            throw new ModelFormatException(source, "tensor count " + count + " is impossible with " + bb.remaining()
                    + " bytes left");
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (long i = 0; i < count; i++) {
            need(bb, 2, source, "name length of tensor #" + i);
            int nameLen = Short.toUnsignedInt(bb.getShort());
            if (nameLen == 0) {
                throw new ModelFormatException(source, "tensor #" + i + " has an empty name");
            }
            need(bb, nameLen, source, "name of tensor #" + i);
            String name;
            try {
                name = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(bb.slice(bb.position(), nameLen)).toString();
            } catch (CharacterCodingException e) {
                throw new ModelFormatException(source, "name of tensor #" + i + " is not valid UTF-8");
            }
            bb.position(bb.position() + nameLen);
            if (tensors.containsKey(name)) {
                throw new ModelFormatException(source, "tensor '" + name + "' appears twice");
            }
            need(bb, 1, source, "rank of tensor '" + name + "'");
            int rank = Byte.toUnsignedInt(bb.get());
            if (rank > MAX_RANK) {
                throw new ModelFormatException(source, "tensor '" + name + "' has rank " + rank + ", at most " + MAX_RANK
                        + " is allowed");
            }
            need(bb, 4L * rank, source, "shape of tensor '" + name + "'");
            int[] shape = new int[rank];
            long elems = 1;
            for (int d = 0; d < rank; d++) {
                long dim = Integer.toUnsignedLong(bb.getInt());
                if (dim > Integer.MAX_VALUE) {
                    throw new ModelFormatException(source, "tensor '" + name + "' has dimension " + dim + " > "
                            + Integer.MAX_VALUE);
                }
                shape[d] = (int) dim;
                // Saturating product: a forged shape must not overflow into a small positive count.
                elems = (elems != 0 && dim > Long.MAX_VALUE / elems) ? Long.MAX_VALUE : elems * dim;
            }
            if (elems > bb.remaining() / 4) {
                throw new ModelFormatException(source, "tensor '" + name + "' with shape " + Arrays.toString(shape)
                        + " needs " + (elems > Long.MAX_VALUE / 4 ? "more than " + bb.remaining() : String.valueOf(elems * 4))
                        + " bytes of data but only " + bb.remaining() + " remain (truncated or forged length)");
            }
            float[] data = new float[(int) elems];
            bb.asFloatBuffer().get(data);
            bb.position(bb.position() + 4 * (int) elems);
            tensors.put(name, Tensor.of(data, shape));
        }
        if (bb.hasRemaining()) {
            throw new ModelFormatException(source, bb.remaining() + " unexpected bytes after the last tensor");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> frozen = (Map<String, Object>) Json.frozen(header);
        return new Contents(frozen, Collections.unmodifiableMap(tensors));
    }

    private static long u32(ByteBuffer bb, String source, String what) throws ModelFormatException {
        need(bb, 4, source, what);
        return Integer.toUnsignedLong(bb.getInt());
    }

    private static void need(ByteBuffer bb, long n, String source, String what) throws ModelFormatException {
        if (n > bb.remaining()) {
            throw new ModelFormatException(source, "truncated: " + what + " needs " + n + " bytes but only "
                    + bb.remaining() + " remain");
        }
    }

    private static String hex(byte[] b, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(String.format("%02x", b[i] & 0xFF));
        }
        return n == 0 ? "an empty file" : sb.toString();
    }
}
