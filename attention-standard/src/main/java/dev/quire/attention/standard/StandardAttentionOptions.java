package dev.quire.attention.standard;

/**
 * Options of {@code attention: standard}. None yet: the scale is always {@code 1/sqrt(D)} and the
 * masks come with each call. A record (rather than {@link dev.quire.api.NoOptions}) so that options
 * can be added later without changing the provider's type.
 */
public record StandardAttentionOptions() {
}
