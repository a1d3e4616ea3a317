/**
 * A small GPT and everything needed to train and sample it.
 *
 * <p>Reading order for a newcomer: {@link dev.quire.model.GptConfig} (the hyper-parameters),
 * {@code CausalSelfAttention}, {@code Mlp}, {@code Block}
 * and {@link dev.quire.model.Gpt} (the network, one idea per class, as in nanoGPT's {@code model.py}),
 * then {@link dev.quire.model.Trainer} (the loop of nanoGPT's {@code train.py}) and
 * {@link dev.quire.model.Generator} (sampling).
 *
 * <p>Components offered to pipelines through {@link dev.quire.api.ComponentProvider}: tokenizer
 * {@code char}, positional encodings {@code learned} and {@code sinusoidal}, schedules {@code cosine}
 * and {@code constant}.
 *
 * <p><b>Stability.</b> Public types here are stable unless marked {@link dev.quire.api.Experimental};
 * package-private classes (the layers) may change at any time.
 */
package dev.quire.model;
