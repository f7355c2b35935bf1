package org.fnl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package rules (README, "Packages"), read from the import lines and class references of
 * {@code src/main/java}: only {@code kernel.simd} imports the Vector API and only {@code linalg}
 * EJML; nothing imports {@code cli}; only {@code cli} imports the console pieces of {@code train};
 * only the tape, the ops and the regularizers use {@code tensor.TapeAccess}; and no {@code fnl}
 * command refers to another command.
 */
class LayeringTest {
    static final Path MAIN = Path.of("src/main/java/org/fnl4j");

    record Source(String pkg, String name, String text) {}

    static List<Source> sources() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(p -> p.toString().endsWith(".java")).map(p -> {
                try {
                    String pkg = MAIN.relativize(p.getParent()).toString().replace('/', '.');
                    return new Source(pkg, p.getFileName().toString().replace(".java", ""), Files.readString(p));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        }
    }

    /** @return "pkg.Class imports X" for every source outside {@code allowed} whose text matches {@code pattern}. */
    static List<String> offenders(List<Source> all, String pattern, String allowedPackage) {
        Pattern p = Pattern.compile(pattern, Pattern.MULTILINE);
        List<String> out = new ArrayList<>();
        for (Source s : all) {
            if (s.pkg().equals(allowedPackage)) continue;
            Matcher m = p.matcher(s.text());
            if (m.find()) out.add(s.pkg() + "." + s.name() + ": " + m.group());
        }
        return out;
    }

    @Test
    void importsPointTheWayTheArchitectureSays() throws IOException {
        List<Source> all = sources();
        assertEquals(List.of(), offenders(all, "^import jdk\\.incubator\\.vector.*;", "kernel.simd"));
        assertEquals(List.of(), offenders(all, "^import org\\.ejml.*;", "linalg"));
        assertEquals(List.of(), offenders(all, "^import org\\.fnl4j\\.cli\\..*;", "cli"));
        assertEquals(List.of(), offenders(all, "^import org\\.fnl4j\\.train\\.ProgressBar;", "cli"));
    }

    /** The tape's way into a tensor's gradient state is for the tape, the ops and the regularizers only. */
    @Test
    void onlyTheTapeTheOpsAndTheRegularizersReachTensorInternals() throws IOException {
        Set<String> allowed = Set.of("tensor", "autograd", "ops", "regularize");
        Pattern p = Pattern.compile("\\bTapeAccess\\b");
        List<String> out = new ArrayList<>();
        for (Source s : sources()) {
            if (!allowed.contains(s.pkg()) && p.matcher(s.text()).find()) {
                out.add(s.pkg() + "." + s.name() + " uses TapeAccess");
            }
        }
        assertEquals(List.of(), out);
    }

    @Test
    void noCommandCallsAnotherCommand() throws IOException {
        List<Source> commands = sources().stream().filter(s -> s.pkg().equals("cli") && s.name().endsWith("Command")
                && !s.name().equals("Command")).toList();
        List<String> out = new ArrayList<>();
        for (Source s : commands) {
            for (Source other : commands) {
                if (other != s && Pattern.compile("\\b" + other.name() + "\\b").matcher(s.text()).find()) {
                    out.add(s.name() + " refers to " + other.name());
                }
            }
        }
        assertEquals(List.of(), out);
    }
}
