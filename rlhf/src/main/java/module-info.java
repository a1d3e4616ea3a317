/**
 * Alignment, the third phase: preference data (pairs and K-wise rankings) and human ranking sessions, the
 * reward model trained on rankings with the Bradley-Terry loss, and the alignment methods DPO, PPO and GRPO
 * as components of kind {@code alignment}.
 */
module dev.quire.rlhf {
    requires transitive dev.quire.model;
    requires dev.quire.json;

    // Each package is exported by the change that gives it its first class (javac rejects exporting an empty one).
}
