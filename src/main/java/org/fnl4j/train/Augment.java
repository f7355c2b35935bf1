package org.fnl4j.train;

import org.fnl4j.data.Augmentation;

/**
 * Training-time augmentation of images: random crops after zero padding (4 px for images of 32 px
 * or more, 2 px for smaller ones such as 28 px) and/or horizontal flips. Text runs use
 * {@link #NONE}. {@link #id()} is the name in run.json and the {@code --augment} flag.
 */
public enum Augment {
    NONE("none"), CROP("crop"), FLIP("flip"), CROP_FLIP("crop+flip");

    private final String id;

    Augment(String id) {
        this.id = id;
    }

    /** @return "none", "crop", "flip" or "crop+flip". */
    public String id() {
        return id;
    }

    /**
     * @param height image height in pixels (chooses the crop padding)
     * @return the data loader's augmentation, or null for {@link #NONE}
     */
    public Augmentation augmentation(int height) {
        int pad = height >= 32 ? 4 : 2;
        return switch (this) {
            case CROP -> new Augmentation(pad, false);
            case FLIP -> new Augmentation(0, true);
            case CROP_FLIP -> new Augmentation(pad, true);
            case NONE -> null;
        };
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static Augment of(String id) {
        return Choices.of(Augment.class, id, Augment::id, "augment");
    }
}
