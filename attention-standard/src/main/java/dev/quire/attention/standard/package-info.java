/**
 * Standard (materialized) attention: {@link dev.quire.attention.standard.StandardAttention} and its
 * provider. Stable: the classes here may gain members, never lose them.
 */
package dev.quire.attention.standard;
