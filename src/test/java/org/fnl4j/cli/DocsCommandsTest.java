package org.fnl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The {@code ./fnl} command lines of the README and the docs, as shown. The cheap ones (inline
 * {@code ./fnl ... --help}) run exactly as written; the ones in {@code ```bash} blocks train for
 * minutes or hours, so they run with {@code --help} appended: every command and flag is parsed as
 * shown (an unknown or misspelt flag, a missing value or a flag given twice fails) and the
 * command prints its usage instead of training.
 */
class DocsCommandsTest {
    /** The documents whose {@code ./fnl} lines must parse. */
    static final List<String> FILES;

    static {
        List<String> files = new ArrayList<>(List.of("README.md"));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.map(Path::toString).filter(f -> f.endsWith(".md")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new IllegalStateException("DocsCommandsTest: cannot list docs/ (run from the project root)", e);
        }
        FILES = List.copyOf(files);
    }

    private static final Pattern INLINE_HELP = Pattern.compile("`(\\./fnl(?: [^`]*)? --help)`");

    /** One command line: where it is, its words, and whether it runs as shown. */
    record Shown(String where, List<String> words, boolean asShown) {}

    /** @return the {@code ./fnl} lines of {@code ```bash} blocks (continuations joined, comments cut) and inline --help calls. */
    static List<Shown> commands(String file) throws IOException {
        List<String> lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
        List<Shown> out = new ArrayList<>();
        boolean bash = false;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.trim().startsWith("```")) {
                bash = !bash && l.trim().equals("```bash");
                continue;
            }
            if (bash) {
                int start = i;
                StringBuilder cmd = new StringBuilder(stripComment(l));
                while (cmd.toString().stripTrailing().endsWith("\\") && i + 1 < lines.size()) {
                    String c = cmd.toString().stripTrailing();
                    cmd.setLength(0);
                    cmd.append(c, 0, c.length() - 1).append(' ').append(stripComment(lines.get(++i)));
                }
                String c = cmd.toString().trim();
                if (c.startsWith("./fnl")) {
                    out.add(new Shown(file + ":" + (start + 1), words(c), false));
                }
            } else {
                Matcher m = INLINE_HELP.matcher(l);
                while (m.find()) {
                    out.add(new Shown(file + ":" + (i + 1), words(m.group(1)), true));
                }
            }
        }
        return out;
    }

    /** Cuts a shell comment ({@code #} at the start of a word, outside quotes). */
    static String stripComment(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quote != 0) {
                if (ch == quote) quote = 0;
            } else if (ch == '\'' || ch == '"') {
                quote = ch;
            } else if (ch == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    /** Splits a command line into words with the shell's single and double quotes (no expansions). */
    static List<String> words(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (char ch : line.toCharArray()) {
            if (quote != 0) {
                if (ch == quote) quote = 0;
                else w.append(ch);
            } else if (ch == '\'' || ch == '"') {
                quote = ch;
                inWord = true;
            } else if (Character.isWhitespace(ch)) {
                if (inWord) out.add(w.toString());
                w.setLength(0);
                inWord = false;
            } else {
                w.append(ch);
                inWord = true;
            }
        }
        if (quote != 0) throw new IllegalArgumentException("unbalanced quote in: " + line);
        if (inWord) out.add(w.toString());
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everyFnlCommandOfTheReadmeAndTheDocsParsesAsShown() throws IOException {
        List<Shown> all = new ArrayList<>();
        for (String f : FILES) {
            all.addAll(commands(f));
        }
        assertTrue(all.stream().anyMatch(s -> s.asShown() && s.words().equals(List.of("./fnl", "train", "--help"))),
                "the README shows ./fnl train --help: " + all);
        assertTrue(all.stream().filter(s -> !s.asShown()).count() >= 10, "expected the docs' ./fnl lines, found " + all);
        return all.stream().map(s -> DynamicTest.dynamicTest(s.where() + " " + String.join(" ", s.words()), () -> {
            List<String> args = new ArrayList<>(s.words().subList(1, s.words().size()));
            if (!s.asShown()) args.add("--help");
            CliTest.Run r = CliTest.fnl(args.toArray(String[]::new));
            assertEquals(0, r.code(), s.where() + ": " + String.join(" ", s.words()) + " fails: " + r.err());
            assertTrue(r.out().contains("usage: fnl"), s.where() + ": expected the usage text, got " + r.out());
        }));
    }
}
