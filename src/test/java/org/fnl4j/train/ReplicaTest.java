package org.fnl4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.fnl4j.io.ModelFile;
import org.fnl4j.models.Architecture;
import org.fnl4j.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The building block of data-parallel training: a replica steps like {@link Run}, and states average exactly. */
class ReplicaTest {
    static Recipe tiny() {
        return Recipe.builder().model(Architecture.MLP).width(0.05).rank(0.5).epochs(1).batch(64).trainLimit(256)
                .testLimit(64).optimizer(OptimizerKind.SGD).build();
    }

    @Test
    void aReplicaSteppedOverAnEpochEqualsTheRunOfTheSameRecipe() throws Exception {
        Recipe r = tiny();
        Path dir = Files.createTempDirectory("replica");
        Map<String, Tensor> run = ModelFile.read(Run.create(r, dir.resolve("run")).fit().dir().resolve(Run.MODEL))
                .tensors();
        RunData d = RunData.load(r);
        Replica rep = Replica.create(r, d, d.train().batchesPerEpoch());
        for (int b = 0; b < d.train().batchesPerEpoch(); b++) {
            rep.step(d.train().batch(0, b), 0, b, b);
        }
        rep.save(dir.resolve("replica.fnl"), Map.of());
        Map<String, Tensor> replica = ModelFile.read(dir.resolve("replica.fnl")).tensors();
        assertEquals(run.keySet(), replica.keySet());
        for (String k : run.keySet()) {
            assertArrayEquals(run.get(k).toArray(), replica.get(k).toArray(), k);
        }
    }

    @Test
    void statesRoundTripAndAverageWithTheirWeights() throws Exception {
        Recipe r = tiny();
        RunData d = RunData.load(r);
        Replica a = Replica.create(r, d, d.train().batchesPerEpoch());
        a.step(d.train().batch(0, 0), 0, 0, 0);
        Replica.State sa = a.exportState();
        Replica b = Replica.create(r, d, d.train().batchesPerEpoch());
        b.importState(sa);
        assertEquals(Replica.average(List.of(sa), new long[] {1}).floats(), b.exportState().floats());
        assertArrayEquals(sa.tensors()[0], b.exportState().tensors()[0]);
        b.step(d.train().batch(0, 1), 0, 1, 1);
        Replica.State sb = b.exportState();

        // Equal states average to themselves, bit for bit, at any weights.
        Replica.State same = Replica.average(List.of(sa, sa, sa), new long[] {3, 5, 7});
        for (int i = 0; i < sa.tensors().length; i++) {
            assertArrayEquals(sa.tensors()[i], same.tensors()[i]);
        }
        Replica.State avg = Replica.average(List.of(sa, sb), new long[] {1, 3});
        float x = sa.tensors()[0][0];
        float y = sb.tensors()[0][0];
        assertTrue(x != y);
        assertEquals((float) ((x + 3.0 * y) / 4), avg.tensors()[0][0]);
        float[] m0 = sa.slots().get("momentum")[0];
        float[] m1 = sb.slots().get("momentum")[0];
        assertEquals((float) ((m0[0] + 3.0 * m1[0]) / 4), avg.slots().get("momentum")[0][0]);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Replica.average(List.of(sa, sb), new long[] {0, 0}));
        assertTrue(e.getMessage().contains("sum to 0"), e.getMessage());
    }

    @Test
    void pruningFineTuningAndRescalingAreRejectedByName() {
        Recipe pruned = tiny().toBuilder().dense().prune(0.5).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Replica.checkSupported(pruned));
        assertEquals("recipe: prune cannot be trained by replicas (data-parallel training supports dense and factorized "
                + "networks from the seed); leave it unset", e.getMessage());
    }

    @Test
    void gradientClippingIsRejectedByName() {
        Recipe clipped = tiny().toBuilder().clip(0.1).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Replica.checkSupported(clipped));
        assertEquals("recipe: clip cannot be trained by replicas (data-parallel training supports dense and factorized "
                + "networks from the seed); leave it unset", e.getMessage());
    }
}
