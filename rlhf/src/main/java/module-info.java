/**
 * Alignment, the third phase: preference data (pairs and K-wise rankings) and human ranking sessions, the
 * reward model trained on rankings with the Bradley-Terry loss, and the alignment methods DPO, PPO and GRPO
 * as components of kind {@code alignment}.
 */
module dev.quire.rlhf {
    requires transitive dev.quire.model;
    requires dev.quire.json;

    exports dev.quire.rlhf;
    exports dev.quire.rlhf.data;
    exports dev.quire.rlhf.ranking;

    // Its tests list the providers through ServiceLoader from inside this module.
    uses dev.quire.api.ComponentProvider;

    provides dev.quire.api.ComponentProvider with
            dev.quire.rlhf.DpoProvider,
            dev.quire.rlhf.PpoProvider,
            dev.quire.rlhf.GrpoProvider;
}
