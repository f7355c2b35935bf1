package org.fnl4j.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A console progress display on a stream (normally stderr): on a terminal a single line redrawn in
 * place with the epoch, a bar, items/s, ETA, running loss and learning rate; otherwise (output piped
 * or redirected) plain lines at most every {@code plainIntervalSeconds}, so that logs stay readable.
 * Each finished epoch gets a permanent summary line in both modes.
 */
public final class ProgressBar implements TrainingListener {
    private static final int WIDTH = 24;
    private final PrintStream out;
    private final boolean terminal;
    private final String unit;
    private final double plainIntervalSeconds;
    private int epochs;
    private int batchesPerEpoch;
    private long lastDraw;
    private int lastLen;
    private long doneBatchesBefore;
    private long totalBatches;
    private long startNanos;
    private long batchesThisRun;

    /**
     * @param out      where to draw (e.g. System.err)
     * @param terminal whether {@code out} is an interactive terminal (see {@link #isTerminal()})
     * @param unit     the item name for throughput, e.g. "img" or "tok"
     */
    public ProgressBar(PrintStream out, boolean terminal, String unit, double plainIntervalSeconds) {
        this.out = out;
        this.terminal = terminal;
        this.unit = unit;
        this.plainIntervalSeconds = plainIntervalSeconds;
    }

    /**
     * @return true when the JVM is attached to an interactive terminal: {@code System.console()} exists
     *         and (on JDK 22+, where a console may exist without a terminal) {@code Console.isTerminal()}
     */
    public static boolean isTerminal() {
        java.io.Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(c);
        } catch (ReflectiveOperationException e) {
            return true; // before JDK 22 a console exists only for a terminal
        }
    }

    @Override
    public void onTrainStart(Trainer.RunInfo info) {
        epochs = info.epochs();
        batchesPerEpoch = info.batchesPerEpoch();
        doneBatchesBefore = (long) info.startEpoch() * batchesPerEpoch + info.startBatch();
        totalBatches = (long) epochs * batchesPerEpoch;
        startNanos = System.nanoTime();
        batchesThisRun = 0;
        if (info.resumed()) {
            line(String.format(Locale.ROOT, "resuming at epoch %d, batch %d/%d", info.startEpoch() + 1,
                    info.startBatch() + 1, batchesPerEpoch));
        }
    }

    @Override
    public void onStep(StepInfo s) {
        batchesThisRun++;
        long now = System.nanoTime();
        boolean last = s.batch() == s.batches();
        double minGap = terminal ? 0.1 : plainIntervalSeconds;
        if (!last && (now - lastDraw) / 1e9 < minGap && lastDraw != 0) {
            return;
        }
        if (!terminal && last) {
            return; // the epoch summary follows
        }
        lastDraw = now;
        double elapsed = (now - startNanos) / 1e9;
        double perBatch = batchesThisRun > 0 ? elapsed / batchesThisRun : 0;
        long done = (long) (s.epoch() - 1) * batchesPerEpoch + s.batch();
        double etaEpoch = perBatch * (s.batches() - s.batch());
        double etaTotal = perBatch * (totalBatches - done);
        String text = String.format(Locale.ROOT, "epoch %d/%d %s%d/%d  %.0f %s/s  loss %.4f  lr %.3g  ETA %s (run %s)",
                s.epoch(), epochs, terminal ? bar((double) s.batch() / s.batches()) + " " : "batch ", s.batch(),
                s.batches(), s.itemsPerSecond(), unit, s.runningLoss(), s.lr(), clock(etaEpoch), clock(etaTotal));
        if (terminal) {
            redraw(text);
        } else {
            out.println(text);
        }
        out.flush();
    }

    @Override
    public void onEvalStart(int epoch) {
        if (terminal) {
            redraw(String.format(Locale.ROOT, "epoch %d/%d evaluating...", epoch, epochs));
            out.flush();
        }
    }

    @Override
    public void onEpochEnd(EpochMetrics m) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "epoch %d/%d  train loss %.4f acc %.2f%%", m.epoch(), epochs, m.trainLoss(), 100 * m.trainAccuracy()));
        if (!Double.isNaN(m.testLoss())) {
            sb.append(String.format(Locale.ROOT, "  test loss %.4f acc %.2f%%", m.testLoss(), 100 * m.testAccuracy()));
        }
        sb.append(String.format(Locale.ROOT, "  %.0f %s/s  %.1f s (+%.1f s eval)  lr %.3g", m.itemsPerSecond(), unit,
                m.epochSeconds(), m.evalSeconds(), m.lr()));
        line(sb.toString());
    }

    private void line(String s) {
        if (terminal && lastLen > 0) {
            out.print('\r' + " ".repeat(lastLen) + '\r');
            lastLen = 0;
        }
        out.println(s);
        out.flush();
    }

    private void redraw(String s) {
        String pad = s.length() < lastLen ? " ".repeat(lastLen - s.length()) : "";
        out.print('\r' + s + pad);
        lastLen = s.length();
    }

    private static String bar(double frac) {
        int full = (int) Math.round(frac * WIDTH);
        return "[" + "=".repeat(Math.max(0, full)) + " ".repeat(Math.max(0, WIDTH - full)) + "]";
    }

    /** Formats seconds as m:ss or h:mm:ss. */
    static String clock(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
