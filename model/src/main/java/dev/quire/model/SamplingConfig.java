package dev.quire.model;

/**
 * How {@link Generator} picks each next token from the model's logits.
 *
 * @param temperature divides the logits before the softmax: below 1 sharper, above 1 flatter; 0 means
 *                    greedy (always the most likely token, ignoring topK and topP)
 * @param topK        keep only the {@code topK} most likely tokens (and any tied with the last); 0 keeps all
 * @param topP        nucleus sampling: keep the most likely tokens until their probability reaches
 *                    {@code topP}, in {@code (0, 1]}; 1 keeps all
 */
public record SamplingConfig(double temperature, int topK, double topP) {

    /** Always the most likely token. */
    public static final SamplingConfig GREEDY = new SamplingConfig(0, 0, 1);

    public SamplingConfig {
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a number >= 0 (0 = greedy), got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("topK must be >= 0 (0 = off), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("topP must be in (0, 1] (1 = off), got " + topP);
        }
    }

    /** Plain sampling at a temperature, no truncation. */
    public static SamplingConfig of(double temperature) {
        return new SamplingConfig(temperature, 0, 1);
    }
}
