package org.fnl4j;

import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.fnl4j.train.Recipe;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} block of the README and of the documentation compiles against the
 * library as it is, so the examples cannot drift from the API. A block is its {@code import}
 * lines followed by statements; the test wraps the statements in a method of a class of their
 * own and compiles it with {@link javax.tools.JavaCompiler} (the blocks are compiled, not run:
 * several of them train for minutes).
 */
class DocsSnippetsTest {
    /** The documents whose Java blocks must compile. */
    static final List<String> FILES = List.of("README.md", "docs/cli.md", "docs/data.md", "docs/factorized.md",
            "docs/layers-and-models.md", "docs/onnx.md", "docs/ops.md");

    @TempDir
    Path out;

    /** One Java block: where it is and its lines. */
    record Snippet(String file, int line, List<String> lines) {
        String name() {
            return file + ":" + line;
        }
    }

    static List<Snippet> snippets(String file) throws IOException {
        List<String> lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
        List<Snippet> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().equals("```java")) {
                int start = i + 1;
                int end = start;
                while (end < lines.size() && !lines.get(end).trim().equals("```")) end++;
                out.add(new Snippet(file, start + 1, lines.subList(start, end)));
                i = end;
            }
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everyJavaBlockOfTheReadmeAndTheDocsCompiles() throws IOException {
        List<Snippet> all = new ArrayList<>();
        for (String f : FILES) {
            all.addAll(snippets(f));
        }
        assertTrue(snippets("README.md").size() >= 3, "the README shows training, compression and embedding in Java");
        return all.stream().map(s -> DynamicTest.dynamicTest(s.name(), () -> compile(s, all.indexOf(s))));
    }

    private void compile(Snippet s, int index) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "no system Java compiler (run the tests on a JDK)");
        StringBuilder src = new StringBuilder();
        List<String> body = new ArrayList<>();
        int headerLines = 0;
        for (String l : s.lines()) {
            if (l.startsWith("import ")) {
                src.append(l).append('\n');
                headerLines++;
            } else {
                body.add(l);
            }
        }
        assertFalse(body.stream().map(l -> l.replaceAll("/\\*.*?\\*/", "").replaceAll("//.*", ""))
                .anyMatch(l -> l.contains("...")), s.name() + ": a block must not elide code with ...");
        String cls = "Snippet" + index;
        src.append("class ").append(cls).append(" {\n    static void run() throws Exception {\n");
        for (String l : body) src.append(l).append('\n');
        src.append("    }\n}\n");
        int offset = 2 + headerLines;

        JavaFileObject unit = new SimpleJavaFileObject(URI.create("string:///" + cls + ".java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return src;
            }
        };
        String classes = Path.of(URI.create(Recipe.class.getProtectionDomain().getCodeSource().getLocation().toString()))
                .toString();
        DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diags, Locale.ROOT, StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(null, fm, diags, List.of("-proc:none", "-classpath", classes, "-d", out.toString()),
                    null, List.of(unit)).call();
            StringBuilder why = new StringBuilder();
            for (Diagnostic<? extends JavaFileObject> d : diags.getDiagnostics()) {
                if (d.getKind() != Diagnostic.Kind.ERROR) continue;
                long line = d.getLineNumber();
                long docLine = line > headerLines + 2 ? s.line() + headerLines + (line - offset - 1)
                        : s.line() + line - 1;
                why.append("\n  ").append(s.file()).append(':').append(docLine).append(": ")
                        .append(d.getMessage(Locale.ROOT));
            }
            assertTrue(ok, s.name() + " does not compile:" + why + "\n--- as compiled:\n" + src);
        }
    }
}
