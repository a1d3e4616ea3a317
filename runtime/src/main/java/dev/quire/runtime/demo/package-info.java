/**
 * The demo: {@link dev.quire.runtime.demo.DemoCorpus}, a corpus of fables Quire generates itself, and
 * the demo pipeline ({@code demo.yaml} in this package's resources) that {@code quire demo} runs on it.
 */
package dev.quire.runtime.demo;
