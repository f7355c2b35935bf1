package org.fnl4j.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.fnl4j.io.AtomicFiles;
import org.fnl4j.io.Json;
import org.fnl4j.train.MetricsLog;
import org.fnl4j.train.Run;

/**
 * Line charts as PNG with the JDK's own imaging (headless AWT, no plotting dependency), and the
 * standard plots of a training run directory: loss and accuracy curves, singular-value spectra per
 * layer, ‖W‖_F (‖UVᵀ‖_F for factorized layers) and the effective step size η/‖W‖²_F per layer over
 * the epochs.
 */
final class Plots {
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)
    };
    static final int WIDTH = 720;
    static final int HEIGHT = 440;

    /** One line: points (x[i], y[i]); non-finite y values break the line. */
    record Series(String name, double[] x, double[] y, boolean dashed) {
        Series(String name, double[] x, double[] y) {
            this(name, x, y, false);
        }
    }

    private Plots() {}

    static {
        System.setProperty("java.awt.headless", "true");
    }

    /** Renders a line chart to PNG bytes; {@code logY} plots log10 of positive values. */
    static byte[] lineChart(String title, String xLabel, String yLabel, List<Series> series, boolean logY) {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        int left = 70;
        int right = 170;
        int top = 36;
        int bottom = 50;
        int pw = WIDTH - left - right;
        int ph = HEIGHT - top - bottom;

        double xmin = Double.POSITIVE_INFINITY, xmax = Double.NEGATIVE_INFINITY;
        double ymin = Double.POSITIVE_INFINITY, ymax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                double y = tf(s.y()[i], logY);
                if (!Double.isFinite(y) || !Double.isFinite(s.x()[i])) continue;
                xmin = Math.min(xmin, s.x()[i]);
                xmax = Math.max(xmax, s.x()[i]);
                ymin = Math.min(ymin, y);
                ymax = Math.max(ymax, y);
            }
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.setColor(Color.BLACK);
        g.drawString(title, left, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        if (!Double.isFinite(xmin)) {
            g.drawString("no data", left + pw / 2 - 20, top + ph / 2);
            return png(img);
        }
        if (xmax == xmin) {
            xmin -= 0.5;
            xmax += 0.5;
        }
        if (ymax == ymin) {
            double d = Math.max(Math.abs(ymax) * 0.05, 1e-3);
            ymin -= d;
            ymax += d;
        }
        double ypad = (ymax - ymin) * 0.05;
        ymin -= ypad;
        ymax += ypad;

        g.setColor(new Color(0xdddddd));
        double[] yt = ticks(ymin, ymax, 6);
        for (double t : yt) {
            int py = top + ph - (int) Math.round((t - ymin) / (ymax - ymin) * ph);
            g.setColor(new Color(0xe5e5e5));
            g.drawLine(left, py, left + pw, py);
            g.setColor(Color.DARK_GRAY);
            String lab = logY ? fmt(Math.pow(10, t)) : fmt(t);
            g.drawString(lab, left - 6 - fm.stringWidth(lab), py + fm.getAscent() / 2 - 1);
        }
        double[] xt = ticks(xmin, xmax, 8);
        for (double t : xt) {
            int px = left + (int) Math.round((t - xmin) / (xmax - xmin) * pw);
            g.setColor(new Color(0xe5e5e5));
            g.drawLine(px, top, px, top + ph);
            g.setColor(Color.DARK_GRAY);
            String lab = fmt(t);
            g.drawString(lab, px - fm.stringWidth(lab) / 2, top + ph + fm.getAscent() + 4);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, pw, ph);
        g.drawString(xLabel, left + pw / 2 - fm.stringWidth(xLabel) / 2, HEIGHT - 12);
        Graphics2D gy = (Graphics2D) g.create();
        gy.rotate(-Math.PI / 2);
        String yl = logY ? yLabel + " (log scale)" : yLabel;
        gy.drawString(yl, -(top + ph / 2 + fm.stringWidth(yl) / 2), 16);
        gy.dispose();

        Graphics2D gc = (Graphics2D) g.create();
        gc.clipRect(left, top, pw + 1, ph + 1);
        int legendY = top + 4;
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            Color c = PALETTE[k % PALETTE.length];
            gc.setColor(c);
            gc.setStroke(s.dashed()
                    ? new BasicStroke(1.8f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f)
                    : new BasicStroke(1.8f));
            Path2D.Double path = new Path2D.Double();
            boolean pen = false;
            int points = 0;
            for (int i = 0; i < s.x().length; i++) {
                double y = tf(s.y()[i], logY);
                if (!Double.isFinite(y)) {
                    pen = false;
                    continue;
                }
                double px = left + (s.x()[i] - xmin) / (xmax - xmin) * pw;
                double py = top + ph - (y - ymin) / (ymax - ymin) * ph;
                if (pen) path.lineTo(px, py);
                else path.moveTo(px, py);
                pen = true;
                points++;
                if (s.x().length <= 30) gc.fillOval((int) px - 2, (int) py - 2, 5, 5);
            }
            if (points > 0) gc.draw(path);
            if (k < 18) {
                g.setColor(c);
                g.fillRect(left + pw + 12, legendY + 3, 14, 4);
                g.setColor(Color.BLACK);
                String name = s.name().length() > 22 ? s.name().substring(0, 21) + "…" : s.name();
                g.drawString(name, left + pw + 30, legendY + 9);
                legendY += 18;
            } else if (k == 18) {
                g.setColor(Color.DARK_GRAY);
                g.drawString("+" + (series.size() - 18) + " more", left + pw + 30, legendY + 9);
                legendY += 18;
            }
        }
        gc.dispose();
        g.dispose();
        return png(img);
    }

    private static double tf(double y, boolean logY) {
        if (!logY) return y;
        return y > 0 ? Math.log10(y) : Double.NaN;
    }

    private static byte[] png(BufferedImage img) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            ImageIO.write(img, "png", bos);
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "Nice" tick positions covering [lo, hi]. */
    static double[] ticks(double lo, double hi, int target) {
        double range = hi - lo;
        double raw = range / Math.max(1, target);
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double norm = raw / mag;
        double step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
        double start = Math.ceil(lo / step) * step;
        List<Double> out = new ArrayList<>();
        for (double t = start; t <= hi + step * 1e-9 && out.size() < 50; t += step) {
            out.add(Math.abs(t) < step * 1e-9 ? 0 : t);
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static String fmt(double v) {
        double a = Math.abs(v);
        if (a != 0 && (a >= 1e5 || a < 1e-3)) return String.format(Locale.ROOT, "%.1e", v);
        if (a >= 100 || v == Math.rint(v)) return String.format(Locale.ROOT, "%.0f", v);
        if (a >= 1) return String.format(Locale.ROOT, "%.2f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
        return String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    // ---- the plots of a run directory -----------------------------------------------------------

    /** @return the plots of a run (name → PNG), from metrics.jsonl and spectra.json; missing files are skipped. */
    @SuppressWarnings("unchecked")
    static Map<String, byte[]> runPlots(Path dir) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        Path metrics = dir.resolve(Run.METRICS);
        if (Files.exists(metrics)) {
            List<Map<String, Object>> rows = MetricsLog.read(metrics);
            double[] ep = column(rows, "epoch");
            out.put("loss", lineChart("Loss", "epoch", "cross-entropy", List.of(
                    new Series("train", ep, column(rows, "train_loss")),
                    new Series("test", ep, column(rows, "test_loss"), true)), false));
            out.put("accuracy", lineChart("Accuracy", "epoch", "accuracy", List.of(
                    new Series("train", ep, column(rows, "train_accuracy")),
                    new Series("test", ep, column(rows, "test_accuracy"), true)), false));
            Map<String, double[]> fro = new LinkedHashMap<>();
            Map<String, double[]> eta = new LinkedHashMap<>();
            for (int i = 0; i < rows.size(); i++) {
                Object layers = rows.get(i).get("layers");
                if (!(layers instanceof Map)) continue;
                for (Map.Entry<String, Object> e : ((Map<String, Object>) layers).entrySet()) {
                    Map<String, Object> s = (Map<String, Object>) e.getValue();
                    fro.computeIfAbsent(e.getKey(), k -> nanArray(rows.size()))[i] = num(s.get("fro"));
                    eta.computeIfAbsent(e.getKey(), k -> nanArray(rows.size()))[i] = num(s.get("eta_eff"));
                }
            }
            if (!fro.isEmpty()) {
                List<Series> fs = new ArrayList<>();
                List<Series> es = new ArrayList<>();
                fro.forEach((k, v) -> fs.add(new Series(k, ep, v)));
                eta.forEach((k, v) -> es.add(new Series(k, ep, v)));
                out.put("norms", lineChart("‖W‖_F per layer (‖UVᵀ‖_F for factorized layers)", "epoch", "Frobenius norm",
                        fs, true));
                out.put("eta", lineChart("Effective step size η/‖W‖²_F per layer", "epoch", "η / ‖W‖²_F", es, true));
            }
        }
        Path spectra = dir.resolve("spectra.json");
        if (Files.exists(spectra)) {
            Map<String, Object> sp = Json.parseObject(Files.readString(spectra, StandardCharsets.UTF_8));
            List<Series> ss = new ArrayList<>();
            for (Map.Entry<String, Object> e : sp.entrySet()) {
                List<Object> vals = (List<Object>) e.getValue();
                double[] x = new double[vals.size()];
                double[] y = new double[vals.size()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = i + 1;
                    y[i] = num(vals.get(i));
                }
                ss.add(new Series(e.getKey(), x, y));
            }
            out.put("spectra", lineChart("Singular values per layer (final model)", "index", "singular value", ss, true));
        }
        return out;
    }

    /** Writes {@link #runPlots} as {@code plot-NAME.png} into the run directory. */
    static void writeRunPlots(Path dir) throws IOException {
        for (Map.Entry<String, byte[]> e : runPlots(dir).entrySet()) {
            AtomicFiles.write(dir.resolve("plot-" + e.getKey() + ".png"), e.getValue());
        }
    }

    static double[] column(List<Map<String, Object>> rows, String key) {
        double[] out = new double[rows.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = num(rows.get(i).get(key));
        }
        return out;
    }

    private static double[] nanArray(int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, Double.NaN);
        return a;
    }

    static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
