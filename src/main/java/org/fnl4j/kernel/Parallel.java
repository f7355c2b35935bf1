package org.fnl4j.kernel;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
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
 * current thread, in index order, so a pool thread never waits for a pool thread. So do calls made
 * while another thread's call is running (one job runs on the pool at a time).
 *
 * <p>Helpers spin for a while after each job before they park (system property
 * {@value #SPIN_PROPERTY}, microseconds, default {@value #DEFAULT_SPIN_MICROS}), as OpenMP runtimes
 * do: a training step issues hundreds of sub-millisecond kernels, and waking a parked thread costs
 * tens of microseconds, often more than the chunk it would run. The caller spins too while the last
 * chunks finish. Set the property to 0 on a machine where idle spinning is unwelcome.
 */
public final class Parallel {
    private static final Logger LOG = Logger.getLogger("org.fnl4j.kernel");

    /** System property giving the default number of threads. */
    public static final String THREADS_PROPERTY = "fnl4j.threads";

    /** System property: how long (µs) an idle helper spins for the next job before it parks. */
    public static final String SPIN_PROPERTY = "fnl4j.spinMicros";

    static final int DEFAULT_SPIN_MICROS = 500;

    private static final long SPIN_NANOS = Math.max(0, Long.getLong(SPIN_PROPERTY, DEFAULT_SPIN_MICROS)) * 1000L;

    private static volatile int threads = initialThreads();

    /** Helper threads, started on demand and kept (daemons); helper i takes part in jobs with more than i helpers. */
    private static volatile Worker[] workers = new Worker[0];

    /** The job on the pool, or the last one; a helper runs each job at most once. */
    private static volatile Job current;

    /** One job on the pool at a time; a concurrent caller runs its chunks inline instead. */
    private static final ReentrantLock SUBMIT = new ReentrantLock();

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
        if (chunks <= 1 || t == 1 || inside[0] || !SUBMIT.tryLock()) {
            runInline(chunks, body, inside);
            return;
        }
        try {
            int helpers = Math.min(t, chunks) - 1;
            Worker[] ws = ensureWorkers(helpers);
            Job job = new Job(chunks, body, helpers);
            current = job;
            for (int h = 0; h < helpers; h++) {
                if (ws[h].parked) {
                    LockSupport.unpark(ws[h]);
                }
            }
            inside[0] = true;
            try {
                job.work(0);
            } finally {
                inside[0] = false;
            }
            try {
                job.await();
            } finally {
                current = null; // drop the body (and the arrays it holds) once every chunk is done
            }
        } finally {
            SUBMIT.unlock();
        }
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

    private static synchronized Worker[] ensureWorkers(int helpers) {
        Worker[] ws = workers;
        if (ws.length >= helpers) {
            return ws;
        }
        Worker[] grown = java.util.Arrays.copyOf(ws, helpers);
        for (int i = ws.length; i < helpers; i++) {
            grown[i] = new Worker(i);
            grown[i].start();
        }
        workers = grown;
        return grown;
    }

    /** A helper thread: runs each new job it is part of, spinning between jobs before it parks. */
    private static final class Worker extends Thread {
        private final int index;
        volatile boolean parked;
        private Job last;

        Worker(int index) {
            super("fnl4j-parallel-" + (index + 1));
            this.index = index;
            setDaemon(true);
        }

        @Override
        public void run() {
            boolean[] inside = INSIDE.get();
            while (true) {
                Job job = next();
                inside[0] = true;
                try {
                    job.work(index + 1);
                } finally {
                    inside[0] = false;
                }
            }
        }

        private boolean mine(Job j) {
            return j != null && j != last && index < j.helpers;
        }

        private Job next() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (true) {
                Job j = current;
                if (mine(j)) {
                    last = j;
                    return j;
                }
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                    continue;
                }
                // Publish "parked" before the last look, so a submitter either sees it and unparks
                // this thread, or this look sees the submitter's job (both fields are volatile).
                parked = true;
                j = current;
                if (!mine(j)) {
                    LockSupport.park(this);
                }
                parked = false;
                spinUntil = System.nanoTime() + SPIN_NANOS;
            }
        }
    }

    /**
     * One forChunks call. Participant r (the caller is 0, helper h is h + 1) owns the contiguous block
     * {@code chunkStart(chunks, participants, r) ..} of chunk indices and runs it first, in order; then
     * it takes the chunks not yet started from the other blocks. The static first pass keeps a chunk
     * index on the same core from call to call, so a fixed partition of a buffer (a GEMM's columns, an
     * optimizer's ranges) stays in that core's cache: on this machine a cache line written by the
     * other core costs ~20 ns to pull over, which made a 2-thread step slower than a 1-thread one. The
     * second pass keeps a late or descheduled helper from holding up the call.
     */
    private static final class Job {
        /** Cursor of block b at index b * PAD: one cache line per block. */
        private static final int PAD = 16;
        private final int chunks;
        private final int helpers;
        private final int participants;
        private final IntConsumer body;
        private final AtomicIntegerArray cursors;
        private final AtomicInteger remaining;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Job(int chunks, IntConsumer body, int helpers) {
            this.chunks = chunks;
            this.body = body;
            this.helpers = helpers;
            this.participants = helpers + 1;
            this.cursors = new AtomicIntegerArray(participants * PAD);
            for (int b = 0; b < participants; b++) {
                cursors.set(b * PAD, chunkStart(chunks, participants, b));
            }
            this.remaining = new AtomicInteger(chunks);
        }

        /** Runs participant {@code r}'s own block, then whatever is left of the others. */
        void work(int r) {
            for (int d = 0; d < participants; d++) {
                int b = (r + d) % participants;
                int end = chunkStart(chunks, participants, b + 1);
                int i;
                while ((i = cursors.getAndIncrement(b * PAD)) < end) {
                    try {
                        if (failure.get() == null) {
                            body.accept(i);
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        remaining.decrementAndGet();
                    }
                }
            }
        }

        /** Waits until every chunk has finished (spinning first: the wait is usually one chunk's tail). */
        void await() {
            long spinUntil = System.nanoTime() + Math.max(SPIN_NANOS, 50_000L);
            while (remaining.get() > 0) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(20_000L);
                }
            }
            Throwable e = failure.get();
            if (e instanceof RuntimeException re) {
                throw re;
            }
            if (e instanceof Error er) {
                throw er;
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
}
