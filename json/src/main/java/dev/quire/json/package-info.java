/**
 * One class, {@link dev.quire.json.Json}: {@link dev.quire.json.Json#parse(String, String) parse} to a
 * {@link dev.quire.json.Json.Node} tree, {@link dev.quire.json.Json#write(Object) write} compact or
 * {@link dev.quire.json.Json#writePretty(Object) pretty} text. Its one job is JSON text, for every
 * module of Quire that reads or writes it.
 */
package dev.quire.json;
