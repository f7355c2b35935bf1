package org.fnl4j.train;

import java.util.Arrays;

/**
 * Which data set a run trains on, in the syntax of run.json and the {@code --data} flag
 * ({@code NAME[:LOCATION]}, {@link #toString()} / {@link #parse(String)}):
 * <ul>
 * <li>{@code fashion-mnist}: the 10,000 / 2,000 image subset shipped in {@code datasets/};
 * {@code fashion-mnist:full}: the full 60,000 / 10,000 in {@code /usr/share/datasets/fashion-mnist};
 * {@code fashion-mnist:DIR}: the IDX files in DIR;</li>
 * <li>{@code mnist:DIR}: MNIST's IDX files in DIR;</li>
 * <li>{@code cifar10:DIR}: CIFAR-10's binary version in DIR;</li>
 * <li>{@code text}: the shipped King James sample; {@code text:FILE}: a UTF-8 text file (90 % train, 10 % test),
 * read as characters.</li>
 * </ul>
 *
 * @param location the part after ':', or null
 */
public record DataRef(Kind kind, String location) {
    /** The data set families. */
    public enum Kind {
        FASHION_MNIST("fashion-mnist"), MNIST("mnist"), CIFAR10("cifar10"), TEXT("text");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        /** @return the name before ':' in the syntax. */
        public String id() {
            return id;
        }
    }

    /** The accepted syntax, for error messages. */
    public static final String ACCEPTED = "fashion-mnist[:full|:DIR] | mnist:DIR | cifar10:DIR | text[:FILE]";

    public DataRef {
        if (kind == null) {
            throw new IllegalArgumentException("data must be one of " + ACCEPTED + ", got no kind");
        }
        if (location != null && location.isEmpty()) {
            location = null;
        }
        if ((kind == Kind.MNIST || kind == Kind.CIFAR10) && location == null) {
            throw new IllegalArgumentException("data " + kind.id() + " needs a location: " + kind.id() + ":DIR, the "
                    + "directory holding the " + kind.id() + " files");
        }
    }

    /** @return the shipped Fashion-MNIST subset. */
    public static DataRef fashionMnist() {
        return new DataRef(Kind.FASHION_MNIST, null);
    }

    /** @return the shipped text sample. */
    public static DataRef text() {
        return new DataRef(Kind.TEXT, null);
    }

    /**
     * @throws IllegalArgumentException "data must be one of ..., got '...'"
     */
    public static DataRef parse(String s) {
        int colon = s.indexOf(':');
        String name = colon < 0 ? s : s.substring(0, colon);
        for (Kind k : Kind.values()) {
            if (k.id().equals(name)) {
                return new DataRef(k, colon < 0 ? null : s.substring(colon + 1));
            }
        }
        throw new IllegalArgumentException("data must be one of " + ACCEPTED + ", got '" + s + "' (known names: "
                + Arrays.stream(Kind.values()).map(Kind::id).toList() + ")");
    }

    /** @return true for character-level text (the Transformer's data). */
    public boolean isText() {
        return kind == Kind.TEXT;
    }

    /** @return the {@code --data} syntax, e.g. "fashion-mnist:full". */
    @Override
    public String toString() {
        return location == null ? kind.id() : kind.id() + ":" + location;
    }
}
