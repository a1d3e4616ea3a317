/**
 * The experiments of issue 8 as runnable mains (commands and measured results in docs/alignment.md):
 * {@link dev.quire.rlhf.experiments.ExactOracle}, where the KL-regularized optimum can be enumerated, and
 * {@link dev.quire.rlhf.experiments.SimulatedRankers}, the whole chain judged by a known gold reward. Not exported:
 * run with {@code java -m dev.quire.rlhf/dev.quire.rlhf.experiments.<Name>}; the tests use them from inside the module.
 */
package dev.quire.rlhf.experiments;
