/**
 * Preference data, the reward model and the alignment methods (DPO, PPO, GRPO).
 */
package dev.quire.rlhf;
