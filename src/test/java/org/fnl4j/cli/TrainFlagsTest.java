package org.fnl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fnl4j.train.OptimizerKind;
import org.fnl4j.train.Recipe;
import org.junit.jupiter.api.Test;

/** fnl train's flags for other front ends: the same recipe, the program's own flags, the same errors. */
class TrainFlagsTest {
    static final List<TrainFlags.Extra> EXTRA = List.of(new TrainFlags.Extra("sync-every", "K", "1", "steps"),
            new TrainFlags.Extra("fast", null, null, "a switch"));

    @Test
    void givesTheRecipeOfFnlTrainAndTheExtraValues() {
        TrainFlags.Parsed p = TrainFlags.parse("spark-train", "x", new String[] {"--model", "mlp", "--optimizer", "plain",
                "--sync-every", "10", "--out", "runs/a"}, EXTRA);
        Recipe expected = Recipe.builder().model(org.fnl4j.models.Architecture.MLP).optimizer(OptimizerKind.PLAIN).build();
        assertEquals(expected, p.recipe());
        assertEquals("10", p.values().get("sync-every"));
        assertNull(p.values().get("fast"));
        assertEquals("runs/a", p.values().get("out"));
        assertNull(p.values().get("resume"));
        assertEquals("1", TrainFlags.parse("t", "x", new String[0], EXTRA).values().get("sync-every"));
    }

    @Test
    void mistakesNameTheFlag() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TrainFlags.parse("spark-train", "x", new String[] {"--rank", "-1"}, EXTRA));
        assertTrue(e.getMessage().startsWith("fnl spark-train: --rank must be"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TrainFlags.parse("spark-train", "x", new String[] {"--resume", "d", "--epochs", "3"}, EXTRA));
        assertTrue(e.getMessage().contains("--epochs cannot be combined with --resume"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> TrainFlags.parse("spark-train", "x", new String[] {"--sync-evry", "3"}, EXTRA));
        assertTrue(e.getMessage().contains("did you mean --sync-every?"), e.getMessage());
    }
}
