package org.fnl4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PlotsTest {
    @Test
    void chartsAreValidPngsEvenWithGapsAndEmptyData() throws Exception {
        double[] x = {1, 2, 3, 4};
        byte[] png = Plots.lineChart("t", "x", "y", List.of(new Plots.Series("a", x, new double[] {1, Double.NaN, 3, 2}),
                new Plots.Series("b", x, new double[] {0.5, 0.25, 0.125, 0.1}, true)), true);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(Plots.WIDTH, img.getWidth());
        assertEquals(Plots.HEIGHT, img.getHeight());
        BufferedImage empty = ImageIO.read(new ByteArrayInputStream(Plots.lineChart("t", "x", "y", List.of(), false)));
        assertEquals(Plots.WIDTH, empty.getWidth());
    }

    @Test
    void ticksAreRoundNumbersCoveringTheRange() {
        assertArrayEquals(new double[] {0, 0.2, 0.4, 0.6, 0.8, 1.0}, Plots.ticks(0, 1, 5), 1e-12);
        double[] t = Plots.ticks(3.7, 97.2, 8);
        assertTrue(t[0] >= 3.7 && t[t.length - 1] <= 97.2 && t.length >= 4, java.util.Arrays.toString(t));
        assertEquals("0.25", Plots.fmt(0.25));
        assertEquals("1.5e+05", Plots.fmt(150000));
    }
}
