package org.fnl4j.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.fnl4j.io.Json;
import org.fnl4j.io.Model;
import org.fnl4j.onnx.ExportOptions;
import org.fnl4j.onnx.OnnxExport;

/** {@code fnl export MODEL --out FILE.onnx [--collapse]}: writes a model file as ONNX ({@link OnnxExport}). */
final class ExportCommand implements Command {
    @Override
    public String name() {
        return "export";
    }

    @Override
    public String summary() {
        return "write a model as ONNX (opset " + OnnxExport.OPSET + ") for ONNX Runtime or any other ONNX runtime";
    }

    @Override
    public String details() {
        return "Factorized layers keep their factors in the graph (two convolutions or two Gemm/MatMul nodes per\n"
                + "layer); --collapse writes each as one dense layer instead. Input 'images' (N, C, H, W) float32, or\n"
                + "'tokens' (N, context) int64 for the Transformer; output 'logits'. See docs/onnx.md.";
    }

    @Override
    public Opts options() {
        return new Opts(name())
                .opt("out", "FILE", null, "where to write the ONNX model (required)")
                .flag("collapse", "write factorized layers as the dense products of their factors")
                .positional("MODEL", "a model file or checkpoint");
    }

    @Override
    public int run(Opts o, PrintStream out, PrintStream err) throws Exception {
        if (o.positional().size() != 1) {
            throw new UsageException("fnl export: give exactly one MODEL file, got " + o.positional().size() + " arguments");
        }
        if (!o.has("out")) {
            throw new UsageException("fnl export: --out FILE is required, e.g. --out model.onnx");
        }
        Path file = Path.of(o.positional().get(0));
        Path dest = Path.of(o.str("out"));
        if (Files.isDirectory(dest)) {
            throw new UsageException("fnl export: --out " + dest + " is a directory; give a file name, e.g. "
                    + dest.resolve("model.onnx"));
        }
        ExportOptions options = o.bool("collapse") ? ExportOptions.collapsed() : ExportOptions.defaults();
        Model m = Model.load(file);
        OnnxExport.write(m, dest, options);
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("out", dest.toString());
        res.put("opset", OnnxExport.OPSET);
        res.put("factors", options.factors().name().toLowerCase(Locale.ROOT));
        res.put("params", m.parameterCount());
        res.put("bytes", Files.size(dest));
        err.printf(Locale.ROOT, "fnl export: %s -> %s (ONNX opset %d, %,d parameters, factors %s, %,d bytes)%n", file, dest,
                OnnxExport.OPSET, m.parameterCount(), res.get("factors"), Files.size(dest));
        out.println(Json.write(res));
        return 0;
    }
}
