package org.fnl4j.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelTest {
    private final int saved = Parallel.threads();

    @AfterEach
    void restore() {
        Parallel.setThreads(saved);
    }

    @Test
    void everyChunkRunsExactlyOnceAtAnyThreadCount() {
        for (int t : new int[] {1, 2, 3, 8}) {
            Parallel.setThreads(t);
            for (int chunks : new int[] {0, 1, 2, 7, 64}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(chunks);
                Parallel.forChunks(chunks, hits::incrementAndGet);
                for (int i = 0; i < chunks; i++) {
                    assertEquals(1, hits.get(i), "threads=" + t + " chunks=" + chunks + " chunk " + i);
                }
            }
        }
    }

    @Test
    void chunkedSumIsBitIdenticalAcrossThreadCounts() {
        float[] x = new float[10007];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.37) * (1 + (i % 13));
        }
        int chunks = 16;
        float[] ref = null;
        for (int t : new int[] {1, 2, 4}) {
            Parallel.setThreads(t);
            float[] partial = new float[chunks];
            Parallel.forChunks(chunks, c -> {
                float s = 0;
                for (int i = Parallel.chunkStart(x.length, chunks, c); i < Parallel.chunkStart(x.length, chunks, c + 1); i++) {
                    s += x[i];
                }
                partial[c] = s;
            });
            if (ref == null) {
                ref = partial;
            } else {
                assertArrayEquals(ref, partial, 0f, "threads=" + t);
            }
        }
    }

    @Test
    void usesMoreThanOneThreadWhenAllowed() throws Exception {
        Parallel.setThreads(2);
        Set<Thread> seen = ConcurrentHashMap.newKeySet();
        // Each chunk waits for a sibling to start, which only terminates if two threads run chunks.
        AtomicInteger started = new AtomicInteger();
        Parallel.forChunks(2, c -> {
            seen.add(Thread.currentThread());
            started.incrementAndGet();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (started.get() < 2 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
        });
        assertEquals(2, seen.size());
        assertTrue(seen.contains(Thread.currentThread()), "the caller runs chunks too");
    }

    @Test
    void nestedCallsRunInlineWithoutDeadlock() {
        Parallel.setThreads(2);
        AtomicIntegerArray hits = new AtomicIntegerArray(8 * 8);
        Parallel.forChunks(8, outer -> {
            Thread me = Thread.currentThread();
            Parallel.forChunks(8, inner -> {
                assertSame(me, Thread.currentThread());
                hits.incrementAndGet(outer * 8 + inner);
            });
        });
        for (int i = 0; i < 64; i++) {
            assertEquals(1, hits.get(i));
        }
    }

    @Test
    void exceptionsPropagateToTheCaller() {
        for (int t : new int[] {1, 2}) {
            Parallel.setThreads(t);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Parallel.forChunks(6, c -> {
                        if (c == 3) {
                            throw new IllegalStateException("chunk 3");
                        }
                    }));
            assertEquals("chunk 3", e.getMessage());
            AtomicInteger after = new AtomicInteger();
            Parallel.forChunks(4, c -> after.incrementAndGet());
            assertEquals(4, after.get(), "the pool still works after a failure");
        }
    }

    @Test
    void concurrentCallersEachRunEveryChunkOnce() throws Exception {
        Parallel.setThreads(2);
        int callers = 4, rounds = 300, chunks = 9;
        AtomicIntegerArray hits = new AtomicIntegerArray(callers * chunks);
        Thread[] ts = new Thread[callers];
        for (int c = 0; c < callers; c++) {
            int base = c * chunks;
            ts[c] = new Thread(() -> {
                for (int r = 0; r < rounds; r++) {
                    Parallel.forChunks(chunks, i -> hits.incrementAndGet(base + i));
                }
            });
            ts[c].start();
        }
        for (Thread t : ts) {
            t.join(60_000);
        }
        for (int i = 0; i < callers * chunks; i++) {
            assertEquals(rounds, hits.get(i), "slot " + i);
        }
    }

    @Test
    void helpersWakeAfterParking() throws Exception {
        Parallel.setThreads(2);
        // Longer than the spin window, so the helper has parked and must be unparked by the next call.
        for (int r = 0; r < 3; r++) {
            Thread.sleep(Parallel.DEFAULT_SPIN_MICROS / 1000 + 20);
            AtomicIntegerArray hits = new AtomicIntegerArray(16);
            Parallel.forChunks(16, hits::incrementAndGet);
            for (int i = 0; i < 16; i++) {
                assertEquals(1, hits.get(i), "round " + r + " chunk " + i);
            }
        }
    }

    @Test
    void chunkStartCoversTheRangeContiguously() {
        for (int total : new int[] {0, 1, 5, 100, 101}) {
            for (int chunks : new int[] {1, 3, 7}) {
                assertEquals(0, Parallel.chunkStart(total, chunks, 0));
                assertEquals(total, Parallel.chunkStart(total, chunks, chunks));
                for (int c = 0; c < chunks; c++) {
                    int len = Parallel.chunkStart(total, chunks, c + 1) - Parallel.chunkStart(total, chunks, c);
                    assertTrue(len == total / chunks || len == total / chunks + 1);
                }
            }
        }
    }

    @Test
    void badArgumentsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
        assertTrue(e.getMessage().contains("setThreads") && e.getMessage().contains("0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Parallel.forChunks(-1, c -> { }));
        assertTrue(e.getMessage().contains("chunks"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Parallel.forChunks(2, null));
    }
}
