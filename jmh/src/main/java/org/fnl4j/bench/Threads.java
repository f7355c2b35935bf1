package org.fnl4j.bench;

import org.fnl4j.kernel.Parallel;

/** Sets the library's worker-thread count for a benchmark trial. */
final class Threads {
    private Threads() {}

    static void set(int n) {
        Parallel.setThreads(n);
    }
}
