/**
 * The alignment algorithms (docs/alignment.md has the math, options, metrics and measured results):
 * <ul>
 *   <li>{@link dev.quire.rlhf.SequenceBatch} and {@link dev.quire.rlhf.LogProbs}: prompt + completion sequences
 *       right-padded into {@code [B, T]} and the log-probabilities of their completion tokens;</li>
 *   <li>{@link dev.quire.rlhf.RewardModel}: a GPT trunk with a scalar head at the last token, trained on K-wise
 *       rankings ({@link dev.quire.rlhf.TokenRanking}) with the Bradley–Terry loss over all pairs;</li>
 *   <li>the components of kind {@code alignment}: {@link dev.quire.rlhf.Dpo} ({@code dpo}),
 *       {@link dev.quire.rlhf.Ppo} ({@code ppo}) and {@link dev.quire.rlhf.Grpo} ({@code grpo});</li>
 *   <li>{@link dev.quire.rlhf.GptPolicy}, which lets a {@code Gpt} be the policy of an
 *       {@link dev.quire.api.AlignmentContext}, and {@link dev.quire.rlhf.Sampler}, the temperature sampling
 *       PPO and GRPO use.</li>
 * </ul>
 * The experiments of issue 8 (exact oracle, simulated rankers) are runnable mains in the unexported package
 * {@code dev.quire.rlhf.experiments}.
 */
package dev.quire.rlhf;
