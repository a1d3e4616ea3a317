/**
 * Flash (tiled, memory-efficient) attention: {@link dev.quire.attention.flash.FlashAttention}, its
 * options {@link dev.quire.attention.flash.FlashAttentionOptions} and its provider. Stable: the classes
 * here may gain members, never lose them.
 */
package dev.quire.attention.flash;
