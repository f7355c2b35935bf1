package org.fnl4j.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.fnl4j.io.ModelFormatException;
import org.fnl4j.regularize.FactorNorms;

/**
 * The per-step trajectory of ‖W‖_F of every factorized product of a run ({@link FactorNorms}),
 * recorded into a binary file of the run directory by {@link Recorder}, and replayed by
 * {@link Rescaler}, which rescales another run's factors after each step to the recorded norms.
 *
 * <p>File format ({@value #FILE}, little-endian):
 * <pre>
 *   8 bytes   ASCII "FNLNORM1"
 *   int32     P, the number of product matrices
 *   P times   int32 byte length, then the entry's name in UTF-8 (see {@link FactorNorms})
 *   per optimizer step s = 1, 2, ...: P float64, ‖W_p‖_F after step s (after any rescaling)
 * </pre>
 * The number of steps recorded is (file size − header size) / (8·P). The file covers every step from
 * the first: a run resumed from a checkpoint truncates it to the checkpoint's step; if it does not
 * reach that step (e.g. the run began before recording existed) the file is deleted and nothing is
 * recorded, so an existing file is always complete up to its last step.
 */
public final class FactorNormLog {
    /** The file name inside a run directory. */
    public static final String FILE = "factor_norms.bin";
    private static final byte[] MAGIC = "FNLNORM1".getBytes(StandardCharsets.US_ASCII);

    private FactorNormLog() {}

    /**
     * A recorded trajectory.
     *
     * @param names  the P entries' names
     * @param norms  steps × P: norms[s][p] = ‖W_p‖_F after step s + 1
     * @param source the file it was read from (for messages)
     */
    public record Trajectory(List<String> names, double[][] norms, String source) {
        /** @return the number of steps recorded. */
        public int steps() {
            return norms.length;
        }

        /**
         * Checks that this trajectory can drive a run over the products {@code names} that takes
         * {@code steps} optimizer steps.
         *
         * @throws IllegalArgumentException naming the file, what it records and what the run has
         */
        public void check(List<String> runNames, long runSteps) {
            if (!names.equals(runNames)) {
                throw new IllegalArgumentException(source + " records the norms of " + names.size()
                        + " factorized products " + abbreviate(names) + ", but this model has " + runNames.size() + " "
                        + abbreviate(runNames) + " (rescale a run of the same model, factorization and width)");
            }
            if (steps() != runSteps) {
                throw new IllegalArgumentException(source + " records " + steps() + " optimizer steps, but this run "
                        + "takes " + runSteps + " (epochs × batches per epoch); use the recorded run's epochs, batch "
                        + "size and training data (--epochs, --batch, --train-limit)");
            }
        }
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 4 ? names.toString() : "[" + String.join(", ", names.subList(0, 3)) + ", ... "
                + names.get(names.size() - 1) + "]";
    }

    private static byte[] header(List<String> names) {
        int len = MAGIC.length + 4;
        List<byte[]> enc = new ArrayList<>();
        for (String n : names) {
            byte[] b = n.getBytes(StandardCharsets.UTF_8);
            enc.add(b);
            len += 4 + b.length;
        }
        ByteBuffer bb = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
        bb.put(MAGIC).putInt(names.size());
        for (byte[] b : enc) {
            bb.putInt(b.length).put(b);
        }
        return bb.array();
    }

    /**
     * Reads a trajectory file.
     *
     * @throws ModelFormatException naming the file when it is not a complete trajectory file
     */
    public static Trajectory read(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        String src = String.valueOf(file);
        ByteBuffer bb = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        if (all.length < MAGIC.length + 4 || !Arrays.equals(Arrays.copyOf(all, MAGIC.length), MAGIC)) {
            throw new ModelFormatException(src, "not a factor-norm trajectory (expected it to start with FNLNORM1)");
        }
        bb.position(MAGIC.length);
        int p = bb.getInt();
        if (p < 0 || p > (all.length - bb.position()) / 4) {
            throw new ModelFormatException(src, "bad product count " + p);
        }
        List<String> names = new ArrayList<>(p);
        for (int i = 0; i < p; i++) {
            if (bb.remaining() < 4) {
                throw new ModelFormatException(src, "truncated header at name " + i + " of " + p);
            }
            int len = bb.getInt();
            if (len < 0 || len > bb.remaining()) {
                throw new ModelFormatException(src, "bad name length " + len + " at name " + i + " of " + p);
            }
            byte[] b = new byte[len];
            bb.get(b);
            names.add(new String(b, StandardCharsets.UTF_8));
        }
        int rest = bb.remaining();
        if (p == 0 || rest % (8 * p) != 0) {
            throw new ModelFormatException(src, p == 0 ? "records no factorized products"
                    : rest + " bytes of records is not a whole number of steps of " + p + " float64 values");
        }
        double[][] norms = new double[rest / (8 * p)][p];
        for (double[] row : norms) {
            for (int i = 0; i < p; i++) {
                row[i] = bb.getDouble();
            }
        }
        return new Trajectory(List.copyOf(names), norms, src);
    }

    /** Appends the norms after every optimizer step to {@value #FILE}-format {@code file} (see the class comment). */
    public static final class Recorder implements TrainingListener {
        private final Path file;
        private final FactorNorms norms;
        private final byte[] header;
        private boolean active;

        /** @param norms the products to record (at least one) */
        public Recorder(Path file, FactorNorms norms) {
            if (norms.size() == 0) {
                throw new IllegalArgumentException("FactorNormLog.Recorder: the model has no factorized products to record");
            }
            this.file = file;
            this.norms = norms;
            this.header = header(norms.names());
        }

        @Override
        public void onTrainStart(Trainer.RunInfo info) {
            long done = (long) info.startEpoch() * info.batchesPerEpoch() + info.startBatch();
            long want = header.length + done * 8L * norms.size();
            try {
                if (done == 0) {
                    Files.write(file, header);
                    active = true;
                    return;
                }
                active = Files.isRegularFile(file) && Files.size(file) >= want && startsWithHeader();
                if (active) {
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                        ch.truncate(want);
                    }
                } else {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("FactorNormLog: cannot write " + file + ": " + e.getMessage(), e);
            }
        }

        private boolean startsWithHeader() throws IOException {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer bb = ByteBuffer.allocate(header.length);
                while (bb.hasRemaining() && ch.read(bb) >= 0) {
                    // read until full or end of file
                }
                return !bb.hasRemaining() && Arrays.equals(bb.array(), header);
            }
        }

        @Override
        public void onStep(StepInfo step) {
            if (!active) {
                return;
            }
            double[] n = norms.norms();
            ByteBuffer bb = ByteBuffer.allocate(8 * n.length).order(ByteOrder.LITTLE_ENDIAN);
            for (double v : n) {
                bb.putDouble(v);
            }
            try {
                // Written through at every step so that the file never lags behind a checkpoint.
                Files.write(file, bb.array(), StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("FactorNormLog: cannot append to " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * After optimizer step s, rescales the factors so that every product's ‖W‖_F equals the
     * trajectory's value after step s ({@link FactorNorms#rescaleTo}). Register it before a
     * {@link Recorder} of the same run so that the record holds the rescaled norms.
     */
    public static final class Rescaler implements TrainingListener {
        private final FactorNorms norms;
        private final Trajectory target;

        /** @throws IllegalArgumentException if the trajectory's products are not this model's (see {@link Trajectory#check}) */
        public Rescaler(FactorNorms norms, Trajectory target) {
            this.norms = norms;
            this.target = target;
            if (!target.names().equals(norms.names())) {
                target.check(norms.names(), target.steps());
            }
        }

        @Override
        public void onTrainStart(Trainer.RunInfo info) {
            target.check(norms.names(), (long) info.epochs() * info.batchesPerEpoch());
        }

        @Override
        public void onStep(StepInfo step) {
            norms.rescaleTo(target.norms()[(int) (step.step() - 1)]);
        }
    }
}
