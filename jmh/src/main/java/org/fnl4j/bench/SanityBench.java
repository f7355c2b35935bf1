package org.fnl4j.bench;

import java.util.concurrent.TimeUnit;
import org.fnl4j.kernel.Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/** Confirms the benchmark jar loads the library and reports which kernels it selected. */
public class SanityBench {
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public boolean implementation() {
        return Kernels.simdActive();
    }
}
