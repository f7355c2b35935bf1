package org.fnl4j.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.fnl4j.tensor.Rng;

/**
 * A character-level text corpus for language modelling. The vocabulary is the set of distinct
 * Unicode code points of the whole text, sorted ascending, so token id k is the k-th smallest
 * character and the ids do not depend on where a character first appears. The text is split by
 * position: the first (1 − testFraction) of the characters train, the rest test (no shuffling
 * across the boundary, so no test text leaks into training windows).
 *
 * <p>Training batches take B windows of T + 1 characters at offsets drawn from a seeded
 * {@link Rng}; evaluation batches cover the split sequentially (B parallel streams, consecutive
 * windows of T), so every test character except the first of each stream is predicted once.
 */
public final class TextCorpus {
    private final String name;
    private final int[] vocab;
    private final int[] ids;
    private final int split;

    private TextCorpus(String name, int[] codePoints, double testFraction) {
        if (!(testFraction >= 0 && testFraction < 1)) {
            throw new IllegalArgumentException("TextCorpus: testFraction must be in [0, 1), got " + testFraction);
        }
        this.name = name;
        this.vocab = Arrays.stream(codePoints).distinct().sorted().toArray();
        this.ids = new int[codePoints.length];
        for (int i = 0; i < codePoints.length; i++) {
            ids[i] = Arrays.binarySearch(vocab, codePoints[i]);
        }
        this.split = (int) Math.floor(codePoints.length * (1 - testFraction));
    }

    /** A corpus over {@code text} with the last {@code testFraction} of it held out for testing. */
    public static TextCorpus of(String name, String text, double testFraction) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("TextCorpus: " + name + " is empty; expected some text");
        }
        return new TextCorpus(name, text.codePoints().toArray(), testFraction);
    }

    /**
     * Reads a UTF-8 text file, gzip-compressed or plain (detected from the content), and holds out
     * its last {@code testFraction} for testing.
     *
     * @throws DataFormatException when the file is empty, larger than 256 MiB, not valid UTF-8, or a corrupt
     *         gzip stream
     */
    public static TextCorpus load(Path file, double testFraction) throws IOException {
        byte[] bytes;
        try (DataFiles.Source src = DataFiles.open(file)) {
            bytes = readAll(src);
        }
        if (bytes.length == 0) {
            throw new DataFormatException(file, "text file is empty; expected UTF-8 text");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new DataFormatException(file, "is not valid UTF-8 text (" + e.getMessage() + ")", e);
        }
        return new TextCorpus(file.getFileName().toString(), text.codePoints().toArray(), testFraction);
    }

    /** Largest text accepted: the ids of a corpus take 4 bytes per character in memory. */
    static final int MAX_BYTES = 1 << 28;

    private static byte[] readAll(DataFiles.Source src) throws IOException {
        if (!src.gzip && src.fileSize > MAX_BYTES) {
            throw new DataFormatException(src.path, "text file of " + src.fileSize + " bytes is larger than the "
                    + MAX_BYTES + " bytes a character corpus accepts");
        }
        try {
            byte[] b = src.in.readNBytes(MAX_BYTES);
            if (b.length == MAX_BYTES && src.in.read() != -1) {
                throw new DataFormatException(src.path, "decompressed text is larger than the " + MAX_BYTES
                        + " bytes a character corpus accepts");
            }
            return b;
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new DataFormatException(src.path, "corrupt or truncated gzip stream (" + e.getMessage() + ")", e);
        }
    }

    public String name() { return name; }

    /** @return the number of distinct characters V; ids are in [0, V). */
    public int vocabSize() { return vocab.length; }

    /** @return the vocabulary as a string, id order. */
    public String vocabulary() {
        return new String(vocab, 0, vocab.length);
    }

    /** @return the code points of the vocabulary, id order (copy). */
    public int[] vocabularyCodePoints() {
        return vocab.clone();
    }

    /** @return the number of characters in the whole text. */
    public int length() { return ids.length; }

    /** @return the ids of the training part (copy), length ⌊n·(1 − testFraction)⌋. */
    public int[] trainIds() { return Arrays.copyOfRange(ids, 0, split); }

    /** @return the ids of the test part (copy). */
    public int[] testIds() { return Arrays.copyOfRange(ids, split, ids.length); }

    /** @return the ids of {@code text}; characters outside the vocabulary are an error naming them. */
    public int[] encode(String text) {
        int[] cps = text.codePoints().toArray();
        int[] out = new int[cps.length];
        for (int i = 0; i < cps.length; i++) {
            int id = Arrays.binarySearch(vocab, cps[i]);
            if (id < 0) {
                throw new IllegalArgumentException("TextCorpus.encode: character '" + new String(Character.toChars(cps[i]))
                        + "' (U+" + String.format("%04X", cps[i]) + ") at " + i + " is not in the vocabulary of " + name);
            }
            out[i] = id;
        }
        return out;
    }

    /** @return the text of {@code ids}. */
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length);
        for (int id : ids) {
            if (id < 0 || id >= vocab.length) {
                throw new IllegalArgumentException("TextCorpus.decode: id " + id + " outside [0, " + vocab.length + ")");
            }
            sb.appendCodePoint(vocab[id]);
        }
        return sb.toString();
    }

    /**
     * B windows at independent uniform offsets in [0, n − T − 1] of {@code ids}: inputs
     * ids[o .. o+T), targets ids[o+1 .. o+T]. Draws exactly B values from {@code rng}.
     */
    public static Batch randomBatch(int[] ids, int batch, int time, Rng rng) {
        checkFits(ids, time, 1);
        int[] in = new int[batch * time];
        int[] tg = new int[batch * time];
        int span = ids.length - time;
        for (int b = 0; b < batch; b++) {
            int o = rng.nextInt(span);
            System.arraycopy(ids, o, in, b * time, time);
            System.arraycopy(ids, o + 1, tg, b * time, time);
        }
        return Batch.tokens(in, tg, batch, time);
    }

    /**
     * Sequential batches over {@code ids} for evaluation: the ids are cut into B contiguous streams
     * of ⌊n / B⌋ characters (the remainder is dropped); batch k holds, for each stream, positions
     * [k·T, k·T + T) as inputs and the following characters as targets. The last batch may be
     * shorter in T so that every stream position but the first is a target exactly once.
     */
    public static List<Batch> sequentialBatches(int[] ids, int batch, int time) {
        if (batch <= 0 || time <= 0) {
            throw new IllegalArgumentException("TextCorpus.sequentialBatches: batch and time must be > 0, got ("
                    + batch + ", " + time + ")");
        }
        int stream = ids.length / batch;
        if (stream < 2) {
            throw new IllegalArgumentException("TextCorpus.sequentialBatches: " + ids.length + " ids give streams of "
                    + stream + " for batch " + batch + "; expected at least 2 per stream");
        }
        List<Batch> out = new ArrayList<>();
        for (int start = 0; start < stream - 1; start += time) {
            int t = Math.min(time, stream - 1 - start);
            int[] in = new int[batch * t];
            int[] tg = new int[batch * t];
            for (int b = 0; b < batch; b++) {
                int base = b * stream + start;
                System.arraycopy(ids, base, in, b * t, t);
                System.arraycopy(ids, base + 1, tg, b * t, t);
            }
            out.add(Batch.tokens(in, tg, batch, t));
        }
        return out;
    }

    private static void checkFits(int[] ids, int time, int batch) {
        if (time <= 0 || batch <= 0) {
            throw new IllegalArgumentException("TextCorpus: batch and context length must be > 0, got batch " + batch
                    + ", T " + time);
        }
        if (ids.length < time + 1) {
            throw new IllegalArgumentException("TextCorpus: " + ids.length + " ids are too few for a window of T + 1 = "
                    + (time + 1) + " characters");
        }
    }

    @Override
    public String toString() {
        return "TextCorpus(" + name + ", " + ids.length + " characters, vocabulary " + vocab.length + ", train "
                + split + ", test " + (ids.length - split) + ")";
    }
}
