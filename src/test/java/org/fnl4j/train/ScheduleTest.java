package org.fnl4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The --schedule syntax: parsing, resolving to an LR schedule, and printing back. */
class ScheduleTest {
    @Test
    void schedulesParseResolveAndRejectWithTheAcceptedForms() {
        assertEquals(Trainer.ScheduleUnit.EPOCH, Schedule.parse("multistep:7,11").resolve(15, 10).unit());
        assertEquals(0.01, Schedule.parse("multistep:7,11").resolve(15, 10).schedule().factor(11), 1e-12);
        assertEquals(0.1, Schedule.parse("step").resolve(8, 10).schedule().factor(4), 1e-12);
        assertEquals(1.0, Schedule.parse("step").resolve(8, 10).schedule().factor(3), 1e-12);
        assertEquals(Trainer.ScheduleUnit.STEP, Schedule.parse("inverse-sqrt:100").resolve(3, 10).unit());
        Schedule.Resolved wc = Schedule.parse("warmup-cosine:10").resolve(2, 50);
        assertEquals(0.1, wc.schedule().factor(0), 1e-12);
        assertEquals(1.0, wc.schedule().factor(9), 1e-12);
        assertEquals(0.0, wc.schedule().factor(100), 1e-12);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Schedule.parse("multistep:a"));
        assertTrue(e.getMessage().contains("schedule must be one of constant | step"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Schedule.parse("cosine:3"));
        assertThrows(IllegalArgumentException.class, () -> Schedule.parse("linear"));
    }

    @Test
    void printsTheSyntaxItWasParsedFrom() {
        for (String s : List.of("constant", "step", "cosine", "multistep:7,11", "multistep:2,4,6:0.5", "warmup-cosine:100",
                "inverse-sqrt:4000", "warmup-cosine:12.5", "inverse-sqrt:200:1", "inverse-sqrt:10:0.5")) {
            assertEquals(s, Schedule.parse(s).toString());
            assertEquals(Schedule.parse(s), Schedule.parse(Schedule.parse(s).toString()));
        }
        assertEquals("multistep:7,11", Schedule.multiStep(7, 11).toString());
    }
}
