/**
 * Human ranking sessions: for each prompt, K sampled completions that a person orders; every answer is
 * appended to the output file as it is given, and a session resumes where the file stops.
 */
package dev.quire.rlhf.ranking;
