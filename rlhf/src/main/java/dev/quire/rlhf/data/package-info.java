/**
 * Preference data as JSON lines: pairs {@code {"prompt","chosen","rejected"}} and K-wise rankings
 * {@code {"prompt","completions":[...],"ranking":[...]}}, validated on load with errors that name the line.
 */
package dev.quire.rlhf.data;
