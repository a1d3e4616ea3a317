/**
 * Quire's JSON codec; its one job is to read and write JSON text for the other modules
 * (safetensors headers, Hugging Face {@code tokenizer.json}, metrics lines and run records).
 *
 * <p>Reading is strict (RFC 8259: no trailing commas, no duplicate keys, no lenient numbers) and gives
 * a tree of plain Java values with typed accessors; every error names the JSON path, and syntax
 * errors also the line and column. Writing keeps key order and has a compact and a pretty form, the
 * pretty one laid out byte for byte like {@code serde_json}'s (and so like Hugging Face's files).
 * Depends on the JDK only.
 */
module dev.quire.json {
    exports dev.quire.json;
}
