/**
 * The runtime's entry points: {@link dev.quire.runtime.QuireUserException}, the one exception type
 * for bad input (exit status 2). The command line lives in {@code dev.quire.runtime.cli}, pipeline
 * files in {@code .config}, component discovery in {@code .discovery}, the Guice wiring of a run in
 * {@code .pipeline}, the built-in stages in {@code .stages} and checkpoints in {@code .checkpoint}.
 */
package dev.quire.runtime;
