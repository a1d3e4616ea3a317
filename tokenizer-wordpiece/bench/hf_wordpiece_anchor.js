// Hugging Face tokenizers (npm 0.23.2) WordPiece anchor: the same calls as shared/anchors/tok_bench.js, plus per-line encodeBatch.
// RAYON_NUM_THREADS=1 NODE_PATH=~/quire-anchors/node_modules node tokenizer-wordpiece/bench/hf_wordpiece_anchor.js FILE
const fs = require('fs');
const path = process.argv[2];
const text = fs.readFileSync(path, 'utf8');
const bytes = Buffer.byteLength(text, 'utf8');
const lines = text.split('\n');
(async () => {
  const t = require('tokenizers');
  const wp = new t.Tokenizer(t.WordPiece.empty());
  wp.setNormalizer(t.bertNormalizer());
  wp.setPreTokenizer(t.bertPreTokenizer());
  let t0 = Date.now(); wp.train([path]); console.log(`hf-tokenizers WordPiece train (default trainer): ${(Date.now()-t0)/1000}s vocab=${wp.getVocabSize()}`);
  let dt;
  for (let r=0;r<3;r++){ t0 = process.hrtime.bigint(); const e = await wp.encode(text); dt = Number(process.hrtime.bigint()-t0)/1e9; console.log(`hf-tokenizers wordpiece whole: ${(bytes/1e6/dt).toFixed(2)} MB/s tokens=${e.getLength()}`); }
  for (let r=0;r<2;r++){ t0 = process.hrtime.bigint(); const encs = await wp.encodeBatch(lines); let n=0; for (const e of encs) n+=e.getLength(); dt = Number(process.hrtime.bigint()-t0)/1e9; console.log(`hf-tokenizers wordpiece batch-lines: ${(bytes/1e6/dt).toFixed(2)} MB/s tokens=${n}`); }
})();
