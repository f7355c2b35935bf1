package org.fnl4j.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.fnl4j.io.Json;
import org.fnl4j.io.Model;
import org.fnl4j.onnx.OnnxImport;

/** {@code fnl import MODEL.onnx --out FILE.fnl}: reads a dense ResNet or MLP from ONNX ({@link OnnxImport}). */
final class ImportCommand implements Command {
    @Override
    public String name() {
        return "import";
    }

    @Override
    public String summary() {
        return "read a dense ResNet or MLP from ONNX (e.g. torch.onnx.export) into an fnl4j model file";
    }

    @Override
    public String details() {
        return "Then fnl compress factorizes it and fnl export writes the compressed model as ONNX again.\n"
                + "Supported operators: " + String.join(", ", OnnxImport.SUPPORTED) + ", and constant subgraphs.\n"
                + "See docs/onnx.md.";
    }

    @Override
    public Opts options() {
        return new Opts(name())
                .opt("out", "FILE", null, "where to write the fnl4j model file (required)")
                .positional("MODEL", "an ONNX file");
    }

    @Override
    public int run(Opts o, PrintStream out, PrintStream err) throws Exception {
        if (o.positional().size() != 1) {
            throw new UsageException("fnl import: give exactly one ONNX file, got " + o.positional().size() + " arguments");
        }
        if (!o.has("out")) {
            throw new UsageException("fnl import: --out FILE is required, e.g. --out model.fnl");
        }
        Path file = Path.of(o.positional().get(0));
        Path dest = Path.of(o.str("out"));
        if (Files.isDirectory(dest)) {
            throw new UsageException("fnl import: --out " + dest + " is a directory; give a file name, e.g. "
                    + dest.resolve("model.fnl"));
        }
        Model m = OnnxImport.read(file);
        Model.save(dest, m.module(), m.spec(), null, m.metadata());
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("out", dest.toString());
        res.put("model", m.spec().toMap());
        res.put("params", m.parameterCount());
        err.printf(Locale.ROOT, "fnl import: %s -> %s: %s, %,d parameters%n", file, dest, m.spec().type(),
                m.parameterCount());
        out.println(Json.write(res));
        return 0;
    }
}
