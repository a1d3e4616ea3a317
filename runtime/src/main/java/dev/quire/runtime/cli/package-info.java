/**
 * The {@code quire} command line (picocli): {@code demo}, {@code run}, {@code plugins},
 * {@code generate}, {@code inspect}, {@code export}, {@code import} and {@code bench train}. Exit status 0 on success, 2 for bad input, 1 otherwise.
 */
package dev.quire.runtime.cli;
