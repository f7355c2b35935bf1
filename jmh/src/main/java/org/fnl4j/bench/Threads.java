package org.fnl4j.bench;

/** Sets the library's worker-thread count for a benchmark trial. */
final class Threads {
    private Threads() {}

    static void set(int n) {
        System.setProperty("fnl4j.threads", Integer.toString(n));
    }
}
