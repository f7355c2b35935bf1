package org.fnl4j.train;

import java.util.Arrays;
import java.util.function.Function;

/** Parses the lower-case names of the recipe's enums, with errors that list the accepted names. */
final class Choices {
    private Choices() {}

    /**
     * @param field names the setting in the error, e.g. "decay"
     * @throws IllegalArgumentException "decay must be one of [weight, frobenius, none], got 'l1'"
     */
    static <E extends Enum<E>> E of(Class<E> type, String id, Function<E, String> name, String field) {
        for (E e : type.getEnumConstants()) {
            if (name.apply(e).equalsIgnoreCase(id)) return e;
        }
        throw new IllegalArgumentException(field + " must be one of "
                + Arrays.stream(type.getEnumConstants()).map(name).toList() + ", got '" + id + "'");
    }
}
