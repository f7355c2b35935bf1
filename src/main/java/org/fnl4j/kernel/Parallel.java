package org.fnl4j.kernel;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.logging.Logger;

/**
 * Deterministic fixed-chunk fork/join over a small persistent pool of daemon threads.
 *
 * <p>{@link #forChunks(int, IntConsumer)} runs {@code body.accept(i)} for every chunk index
 * {@code i} in {@code 0..chunks-1} exactly once, on up to {@link #threads()} threads (the calling
 * thread included). The caller picks the chunk count independently of the thread count and makes
 * each chunk's result depend only on its index; then the result is bit-identical at any thread
 * count, because which thread runs a chunk never changes what the chunk computes.
 *
 * <p>Thread count: the system property {@value #THREADS_PROPERTY} (read once, at class init;
 * default {@link Runtime#availableProcessors()}), overridden at run time by {@link #setThreads(int)}.
 *
 * <p>Nested calls (a chunk body calling {@code forChunks} again) run their chunks inline on the
 * current thread, in index order, so a pool thread never waits for a pool thread.
 */
public final class Parallel {
    private static final Logger LOG = Logger.getLogger("org.fnl4j.kernel");

    /** System property giving the default number of threads. */
    public static final String THREADS_PROPERTY = "fnl4j.threads";

    private static volatile int threads = initialThreads();

    /** Helpers beyond the caller; grows and shrinks with {@link #setThreads(int)}. */
    private static final ThreadPoolExecutor POOL = newPool(Math.max(1, threads - 1));

    /** Set while the current thread runs chunks, so a nested forChunks runs inline. */
    private static final ThreadLocal<boolean[]> INSIDE = ThreadLocal.withInitial(() -> new boolean[1]);

    private Parallel() {}

    /** @return the number of threads {@link #forChunks} may use (caller included), at least 1. */
    public static int threads() {
        return threads;
    }

    /**
     * Sets the number of threads used from now on (caller included).
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static synchronized void setThreads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("Parallel.setThreads: thread count must be >= 1, got " + n);
        }
        int helpers = Math.max(1, n - 1);
        // ThreadPoolExecutor requires core <= max at every step.
        if (helpers > POOL.getMaximumPoolSize()) {
            POOL.setMaximumPoolSize(helpers);
            POOL.setCorePoolSize(helpers);
        } else {
            POOL.setCorePoolSize(helpers);
            POOL.setMaximumPoolSize(helpers);
        }
        threads = n;
    }

    /**
     * Runs {@code body.accept(i)} for every {@code i} in {@code 0..chunks-1}, each exactly once,
     * on up to {@link #threads()} threads including the caller, and returns when all have finished.
     * The order in which chunks run is unspecified; with one thread, or when called from inside a
     * chunk, they run on the caller in index order.
     *
     * <p>If a chunk throws, chunks not yet started are skipped, the call waits for the running ones
     * and then rethrows the first exception (a checked throwable is wrapped in a RuntimeException).
     *
     * @param chunks number of chunks, chosen by the caller independently of the thread count (>= 0)
     * @param body work for one chunk index; must be safe to run concurrently for different indices
     * @throws IllegalArgumentException if {@code chunks < 0} or {@code body} is null
     */
    public static void forChunks(int chunks, IntConsumer body) {
        if (chunks < 0) {
            throw new IllegalArgumentException("Parallel.forChunks: chunks must be >= 0, got " + chunks);
        }
        if (body == null) {
            throw new IllegalArgumentException("Parallel.forChunks: body is null");
        }
        boolean[] inside = INSIDE.get();
        int t = threads;
        if (chunks == 1 || t == 1 || inside[0]) {
            runInline(chunks, body, inside);
            return;
        }
        Job job = new Job(chunks, body);
        int helpers = Math.min(t, chunks) - 1;
        for (int h = 0; h < helpers; h++) {
            POOL.execute(job);
        }
        inside[0] = true;
        try {
            job.work();
        } finally {
            inside[0] = false;
        }
        job.await();
    }

    /**
     * @return true when the current thread is running a chunk of {@link #forChunks}, where a nested
     *         call runs inline; kernels use it to skip splitting work that cannot run in parallel
     */
    public static boolean insideChunk() {
        return INSIDE.get()[0];
    }

    /**
     * First index of chunk {@code chunk} when {@code total} items are split into {@code chunks}
     * near-equal contiguous chunks (the first {@code total % chunks} chunks get one extra item).
     * Chunk {@code c} covers {@code [chunkStart(total, chunks, c), chunkStart(total, chunks, c + 1))}.
     */
    public static int chunkStart(int total, int chunks, int chunk) {
        int base = total / chunks, extra = total % chunks;
        return chunk * base + Math.min(chunk, extra);
    }

    private static void runInline(int chunks, IntConsumer body, boolean[] inside) {
        boolean was = inside[0];
        inside[0] = true;
        try {
            for (int i = 0; i < chunks; i++) {
                body.accept(i);
            }
        } finally {
            inside[0] = was;
        }
    }

    /** One forChunks call: chunk indices are claimed from a shared counter by the caller and helpers. */
    private static final class Job implements Runnable {
        private final int chunks;
        private final IntConsumer body;
        private final AtomicInteger next = new AtomicInteger();
        private final CountDownLatch done;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(int chunks, IntConsumer body) {
            this.chunks = chunks;
            this.body = body;
            this.done = new CountDownLatch(chunks);
        }

        @Override
        public void run() {
            boolean[] inside = INSIDE.get();
            inside[0] = true;
            try {
                work();
            } finally {
                inside[0] = false;
            }
        }

        void work() {
            int i;
            while ((i = next.getAndIncrement()) < chunks) {
                try {
                    if (failure.get() == null) {
                        body.accept(i);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            }
        }

        void await() {
            boolean interrupted = false;
            while (true) {
                try {
                    done.await();
                    break;
                } catch (InterruptedException e) {
                    // The chunks hold the caller's arrays: returning before they finish would be unsafe.
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            Throwable e = failure.get();
            if (e instanceof RuntimeException) {
                throw (RuntimeException) e;
            }
            if (e instanceof Error) {
                throw (Error) e;
            }
            if (e != null) {
                throw new RuntimeException("Parallel.forChunks: a chunk failed", e);
            }
        }
    }

    private static int initialThreads() {
        int def = Runtime.getRuntime().availableProcessors();
        String s = System.getProperty(THREADS_PROPERTY);
        if (s == null || s.isBlank()) {
            return Math.max(1, def);
        }
        try {
            int n = Integer.parseInt(s.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the warning
        }
        LOG.warning("ignoring -D" + THREADS_PROPERTY + "=" + s + " (expected an integer >= 1); using " + def);
        return Math.max(1, def);
    }

    private static ThreadPoolExecutor newPool(int helpers) {
        AtomicInteger id = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(helpers, helpers, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread th = new Thread(r, "fnl4j-parallel-" + id.incrementAndGet());
                    th.setDaemon(true);
                    return th;
                });
        return pool;
    }
}
