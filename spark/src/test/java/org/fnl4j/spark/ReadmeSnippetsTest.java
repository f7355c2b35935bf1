package org.fnl4j.spark;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of spark/README.md compiles against this module and Spark: its
 * {@code import} lines, then statements wrapped in a method (compiled, not run).
 */
class ReadmeSnippetsTest {
    @TempDir
    Path out;

    @Test
    void everyJavaBlockOfTheModuleReadmeCompiles() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("README.md"), StandardCharsets.UTF_8);
        List<List<String>> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().equals("```java")) {
                int end = i + 1;
                while (end < lines.size() && !lines.get(end).trim().equals("```")) end++;
                blocks.add(lines.subList(i + 1, end));
                i = end;
            }
        }
        assertTrue(blocks.size() >= 2, "the README shows the Java API on files and on tables: " + blocks.size());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "no system Java compiler (run the tests on a JDK)");
        for (int b = 0; b < blocks.size(); b++) {
            StringBuilder src = new StringBuilder();
            StringBuilder body = new StringBuilder();
            for (String l : blocks.get(b)) {
                (l.startsWith("import ") ? src : body).append(l).append('\n');
            }
            String cls = "ReadmeBlock" + b;
            src.append("class ").append(cls).append(" {\n static void run() throws Exception {\n").append(body)
                    .append(" }\n}\n");
            JavaFileObject unit = new SimpleJavaFileObject(URI.create("string:///" + cls + ".java"),
                    JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return src;
                }
            };
            DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
            try (StandardJavaFileManager fm = javac.getStandardFileManager(diags, Locale.ROOT, StandardCharsets.UTF_8)) {
                boolean ok = javac.getTask(null, fm, diags, List.of("-proc:none", "-classpath",
                        System.getProperty("java.class.path"), "-d", out.toString()), null, List.of(unit)).call();
                StringBuilder why = new StringBuilder();
                for (Diagnostic<? extends JavaFileObject> d : diags.getDiagnostics()) {
                    if (d.getKind() == Diagnostic.Kind.ERROR) {
                        why.append("\n  line ").append(d.getLineNumber()).append(": ").append(d.getMessage(Locale.ROOT));
                    }
                }
                assertTrue(ok, "README block " + (b + 1) + " does not compile:" + why + "\n--- as compiled:\n" + src);
            }
        }
    }
}
