package org.fnl4j.spark;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Small per-JVM caches of the executors (training data of the current runs), bounded so that a
 * long-lived executor does not keep the data of every run it ever served.
 */
final class ExecutorCache {
    private ExecutorCache() {}

    /** A value loader that may fail with an I/O error. */
    interface Loader<V> {
        V load() throws IOException;
    }

    /** @return a synchronized map keeping the {@code capacity} most recently used entries. */
    static <V> Map<String, V> create(int capacity) {
        return Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        });
    }

    /**
     * @return the cached value of {@code key}, loading it on first use; concurrent first uses of
     *         one key load once (the map's lock is held while loading: loads are rare and short)
     */
    static <V> V get(Map<String, V> cache, String key, Loader<V> loader) throws IOException {
        synchronized (cache) {
            V v = cache.get(key);
            if (v == null) {
                v = loader.load();
                cache.put(key, v);
            }
            return v;
        }
    }
}
