/**
 * Preference data as JSON lines (one JSON object per line, UTF-8), validated on load with errors that name
 * the file and the line ({@link dev.quire.rlhf.data.PreferenceFiles}).
 *
 * <ul>
 *   <li>A <b>pair</b>: {@code {"prompt": "...", "chosen": "...", "rejected": "..."}}, the completion
 *       {@code chosen} preferred to {@code rejected} ({@link dev.quire.rlhf.data.PreferencePair}).</li>
 *   <li>A <b>K-wise ranking</b>: {@code {"prompt": "...", "completions": [c0, ..., cK-1], "ranking": [...]}}
 *       ({@link dev.quire.rlhf.data.Ranking}). {@code ranking[i]} is the 0-based index into
 *       {@code completions} of the completion placed i-th, <em>best first</em>: {@code ranking[0]} is the
 *       best completion, {@code ranking[K-1]} the worst. It must be a permutation of {@code 0..K-1}, and
 *       K ≥ 2. {@code {"completions": ["a", "b", "c"], "ranking": [2, 0, 1]}} says c &gt; a &gt; b.</li>
 * </ul>
 *
 * <p>Completions are the text after the prompt (the prompt is not repeated in them). No string may be
 * empty; a line has exactly the keys of its kind. A ranking of K implies its C(K, 2) ordered pairs
 * ({@link dev.quire.rlhf.data.Ranking#pairs()}), and a pair is a ranking of K = 2
 * ({@link dev.quire.rlhf.data.PreferencePair#asRanking()}), so trainers can take either file.
 * The formats are described for users in {@code docs/alignment-data.md}.
 */
package dev.quire.rlhf.data;
