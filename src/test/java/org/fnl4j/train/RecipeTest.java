package org.fnl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fnl4j.io.Json;
import org.fnl4j.models.Architecture;
import org.fnl4j.nn.factorized.ConvScheme;
import org.fnl4j.nn.factorized.FactorInit;
import org.fnl4j.nn.factorized.FactorizationSpec;
import org.junit.jupiter.api.Test;

/** The typed recipe: defaults, validation messages, and the run.json round trip. */
class RecipeTest {
    /** The run.json that {@code fnl train} with no flags has always written. */
    static final String DEFAULT_RUN_JSON = "{\"data\":\"fashion-mnist\",\"model\":\"resnet20\",\"width\":1.0,\"rank\":0.111,"
            + "\"prune\":null,\"conv_scheme\":\"paper\",\"middle\":false,\"init\":\"spectral\",\"decay\":\"frobenius\","
            + "\"rescale_to\":null,\"wd\":1.0E-4,\"epochs\":5,\"batch\":128,\"optimizer\":\"sgd\",\"lr\":0.1,"
            + "\"schedule\":\"cosine\",\"augment\":\"crop+flip\",\"seed\":0,\"train_limit\":null,\"test_limit\":null,"
            + "\"context\":64,\"dense_twin\":false}";

    @Test
    void defaultsAreThePapersMainSettingAndWriteTheSameRunJsonAsBefore() {
        Recipe r = Recipe.builder().build();
        assertEquals(Architecture.RESNET20, r.model());
        assertEquals(FactorizationSpec.ratio(0.111), r.factorization());
        assertEquals(Json.write(Json.parseObject(DEFAULT_RUN_JSON)), Json.write(r.toJson()));
        assertEquals(r, Recipe.fromJson(Json.parseObject(DEFAULT_RUN_JSON)));
    }

    @Test
    void theTransformerDefaultsToAdamWWarmupCosineAndNoAugmentation() {
        Recipe r = Recipe.builder().model(Architecture.TRANSFORMER).data(DataRef.text()).build();
        assertEquals(OptimizerKind.ADAMW, r.optimizer());
        assertEquals(0.001, r.lr());
        assertEquals("warmup-cosine:100", r.schedule().toString());
        assertEquals(Augment.NONE, r.augment());
    }

    @Test
    void everyChoiceSurvivesTheJsonRoundTrip() {
        Recipe r = Recipe.builder().data(DataRef.parse("fashion-mnist:full")).model(Architecture.RESNET32).width(0.5)
                .params(0.05).convScheme(ConvScheme.TUCKER).deep(true).init(FactorInit.DEFAULT).decay(Decay.NONE)
                .rescaleTo(Path.of("/tmp/fd")).wd(5e-4).epochs(15).batch(64).optimizer(OptimizerKind.MOMENTUM).lr(0.05)
                .schedule(Schedule.multiStep(7, 11)).augment(Augment.FLIP).seed(1L << 40).trainLimit(1000).testLimit(500)
                .build();
        Map<String, Object> json = Json.parseObject(Json.writePretty(r.toJson()));
        assertNull(json.get("rank"));
        assertEquals(r, Recipe.fromJson(json));
        Recipe pruned = Recipe.builder().dense().prune(0.1).finetuneFrom(Path.of("/tmp/m.fnl")).build();
        assertEquals("dense", pruned.toJson().get("rank"));
        assertEquals(pruned, Recipe.fromJson(Json.parseObject(Json.write(pruned.toJson()))));
    }

    @Test
    void olderRunJsonWithAnExplicitNullParamsStillReads() {
        Map<String, Object> m = new LinkedHashMap<>(Json.parseObject(DEFAULT_RUN_JSON));
        m.put("params", null);
        assertEquals(0.111, Recipe.fromJson(m).rank());
        m.put("rank", "dense");
        assertTrue(Recipe.fromJson(m).dense());
    }

    @Test
    void errorsNameTheFieldAndWhatItAccepts() {
        assertMessage("width must be in (0, 64], got 0", () -> Recipe.builder().width(0).build());
        assertMessage("model transformer does not fit data fashion-mnist",
                () -> Recipe.builder().model(Architecture.TRANSFORMER).build());
        assertMessage("rescale_to needs decay none", () -> Recipe.builder().rescaleTo(Path.of("x")).build());
        assertMessage("prune magnitude-prunes the dense network", () -> Recipe.builder().prune(0.1).build());
        assertMessage("epochs must be in [1, 100000], got 0", () -> Recipe.builder().epochs(0).build());
        assertMessage("decay must be one of [weight, frobenius, none], got 'l1'",
                () -> Recipe.fromJson(Map.of("decay", "l1")));
        assertMessage("model must be one of [mlp, resnet20, resnet32, resnet44, resnet56, resnet110, vgg, transformer]",
                () -> Recipe.fromJson(Map.of("model", "resnet21")));
        assertMessage("unknown key(s) [epoch]", () -> Recipe.fromJson(Map.of("epoch", 3)));
        assertMessage("give either rank or params", () -> Recipe.fromJson(Map.of("rank", 0.1, "params", 0.1)));
        assertMessage("epochs must be an integer", () -> Recipe.fromJson(Map.of("epochs", 2.5)));
        assertMessage("data must be one of fashion-mnist[:full|:DIR]", () -> DataRef.parse("imagenet"));
        assertMessage("data mnist needs a location", () -> DataRef.parse("mnist"));
    }

    private static void assertMessage(String expected, Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }
}
