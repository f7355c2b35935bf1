package org.fnl4j.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.fnl4j.io.Json;
import org.fnl4j.io.Model;
import org.fnl4j.nn.Module;
import org.fnl4j.tensor.Rng;
import org.fnl4j.tensor.Tensor;
import org.fnl4j.train.Compression;

/** {@code fnl collapse MODEL --out FILE}: multiplies the factors back into dense layers for inference. */
final class CollapseCommand implements Command {
    @Override
    public String name() {
        return "collapse";
    }

    @Override
    public String summary() {
        return "multiply a factorized model's factors back into dense layers (same outputs) and save it";
    }

    @Override
    public String details() {
        return "Used after overcomplete or deep (U·M·Vᵀ) training, or to serve a model with plain dense layers.\n"
                + "Reports the largest difference of the logits on a random batch before and after.";
    }

    @Override
    public Opts options() {
        return new Opts(name())
                .opt("out", "FILE", null, "where to write the dense model file (required)")
                .positional("MODEL", "a factorized model file or checkpoint");
    }

    @Override
    public int run(Opts o, PrintStream out, PrintStream err) throws Exception {
        if (o.positional().size() != 1) {
            throw new UsageException("fnl collapse: give exactly one MODEL file, got " + o.positional().size()
                    + " arguments");
        }
        if (!o.has("out")) {
            throw new UsageException("fnl collapse: --out FILE is required");
        }
        Path file = Path.of(o.positional().get(0));
        Path dest = Path.of(o.str("out"));
        if (Files.isDirectory(dest)) {
            throw new UsageException("fnl collapse: --out " + dest + " is a directory; give a file name, e.g. "
                    + dest.resolve("dense.fnl"));
        }
        Model m = Model.load(file);
        if (m.factorization() == null) {
            throw new CliException(file + " is already dense (it has no factorization); nothing to collapse");
        }
        int[] shape = m.exampleShape();
        int[] batchShape = new int[shape.length + 1];
        batchShape[0] = 4;
        System.arraycopy(shape, 0, batchShape, 1, shape.length);
        Tensor probe = probe(m, batchShape);
        float[] before = m.predict(probe).toArray();
        long paramsBefore = m.module().parameterCount();

        Module dense = Compression.collapse(m, file.toString());
        Map<String, Object> meta = new LinkedHashMap<>(m.metadata());
        meta.put("collapsed_from", file.toString());
        meta.put("collapsed_factorization", m.factorization());
        Model.save(dest, dense, m.spec(), null, meta);
        Model reloaded = Model.load(dest);
        float[] after = reloaded.predict(probe).toArray();
        double maxDiff = 0;
        double maxAbs = 0;
        for (int i = 0; i < before.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(before[i] - after[i]));
            maxAbs = Math.max(maxAbs, Math.abs(before[i]));
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("out", dest.toString());
        res.put("params_before", paramsBefore);
        res.put("params_after", reloaded.module().parameterCount());
        res.put("max_logit_difference", maxDiff);
        err.printf(Locale.ROOT, "fnl collapse: %s -> %s: %,d -> %,d parameters; logits differ by at most %.3g (of %.3g)%n",
                file, dest, paramsBefore, reloaded.module().parameterCount(), maxDiff, maxAbs);
        out.println(Json.write(res));
        return 0;
    }

    /** A random input batch of the model's shape (token ids in range for the Transformer). */
    static Tensor probe(Model m, int[] batchShape) {
        Rng rng = new Rng(7);
        if (m.spec().takesTokens()) {
            Tensor t = Tensor.zeros(batchShape);
            int vocab = m.spec().getInt("vocab");
            for (int i = 0; i < t.size(); i++) t.data()[i] = rng.nextInt(vocab);
            return t;
        }
        return Tensor.randn(rng, 1f, batchShape);
    }
}
