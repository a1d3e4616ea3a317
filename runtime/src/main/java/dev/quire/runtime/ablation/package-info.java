/**
 * Ablations as ordinary tests: {@link dev.quire.runtime.ablation.Ablation} runs a base pipeline under
 * named variations and several seeds and reports each metric's mean and spread per variation
 * (see {@code docs/ablations.md}).
 */
package dev.quire.runtime.ablation;
