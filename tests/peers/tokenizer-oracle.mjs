// Tokenizer oracle: Hugging Face's Rust `tokenizers` (npm @anush008/tokenizers, a native build)
// run over a corpus, so the C++ engine's ids and decodes can be diffed against it.
//
//   node tokenizer-oracle.mjs encode TOKENIZER_JSON CORPUS_JSONL OUT_JSONL
//       one line per corpus line: {"ids":[..],"ids_special":[..],"decoded":s,"decoded_skip":s}
//       (ids without / with special tokens; decodes of ids_special keeping / skipping specials)
//   node tokenizer-oracle.mjs decode TOKENIZER_JSON IDS_JSONL OUT_JSONL
//       each input line [ids...] → {"kept":s,"skipped":s}
//   node tokenizer-oracle.mjs build-wordpiece|build-unigram|build-wordlevel CORPUS_JSONL OUT_JSON
//       a tokenizer.json of that model, built and saved by the library itself
//   node tokenizer-oracle.mjs bench TOKENIZER_JSON CORPUS_JSONL
//       {"tokens":n,"seconds":s,"tokens_per_second":r} for one pass, encodes awaited one by one
import fs from 'node:fs';
import {
  Tokenizer, WordPiece, Unigram, WordLevel, bertNormalizer, bertPreTokenizer, bertProcessing,
  wordPieceDecoder, metaspacePreTokenizer, metaspaceDecoder, nfkcNormalizer, sequenceNormalizer,
  lowercase, whitespaceSplitPreTokenizer, templateProcessing, AddedToken, punctuationPreTokenizer,
  sequencePreTokenizer, digitsPreTokenizer,
} from '@anush008/tokenizers';

const [mode, first, second, third] = process.argv.slice(2);
const readLines = (path) => fs.readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0)
  .map((l) => JSON.parse(l));

async function encodeAll(tokenizerPath, corpusPath, outPath) {
  const tokenizer = Tokenizer.fromFile(tokenizerPath);
  const out = [];
  for (const text of readLines(corpusPath)) {
    const plain = await tokenizer.encode(text, null, { addSpecialTokens: false });
    const special = await tokenizer.encode(text, null, { addSpecialTokens: true });
    const idsSpecial = special.getIds();
    out.push(JSON.stringify({
      ids: plain.getIds(),
      ids_special: idsSpecial,
      decoded: await tokenizer.decode(idsSpecial, false),
      decoded_skip: await tokenizer.decode(idsSpecial, true),
    }));
  }
  fs.writeFileSync(outPath, out.join('\n') + '\n');
}

async function decodeAll(tokenizerPath, idsPath, outPath) {
  const tokenizer = Tokenizer.fromFile(tokenizerPath);
  const out = [];
  for (const ids of readLines(idsPath)) {
    out.push(JSON.stringify({
      kept: await tokenizer.decode(ids, false),
      skipped: await tokenizer.decode(ids, true),
    }));
  }
  fs.writeFileSync(outPath, out.join('\n') + '\n');
}

// Words and their frequencies in the corpus, for a deterministic vocabulary.
function wordCounts(corpusPath) {
  const counts = new Map();
  for (const text of readLines(corpusPath)) {
    for (const word of text.toLowerCase().split(/[\s\p{P}]+/u)) {
      if (word.length === 0 || word.length > 12) continue;
      counts.set(word, (counts.get(word) || 0) + 1);
    }
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

function charsOf(corpusPath, limit) {
  const chars = new Map();
  for (const text of readLines(corpusPath).slice(0, limit)) {
    for (const c of text.normalize('NFKC').toLowerCase()) chars.set(c, (chars.get(c) || 0) + 1);
  }
  return [...chars.keys()].sort();
}

function buildWordPiece(corpusPath, outPath) {
  const ids = new Map([['[PAD]', 0], ['[UNK]', 1], ['[CLS]', 2], ['[SEP]', 3], ['[MASK]', 4]]);
  const add = (token) => { if (!ids.has(token)) ids.set(token, ids.size); };
  // Only the characters of the first strings: later strings meet unknown characters ([UNK]).
  for (const c of charsOf(corpusPath, 400)) { add(c); add('##' + c); }
  for (const [word] of wordCounts(corpusPath).slice(0, 3000)) {
    add(word);
    if (word.length > 3) { add('##' + word.slice(2)); add(word.slice(0, 3)); }
  }
  const vocab = Object.fromEntries(ids);
  const tokenizer = new Tokenizer(WordPiece.init(vocab, { unkToken: '[UNK]', maxInputCharsPerWord: 40 }));
  tokenizer.setNormalizer(bertNormalizer({ cleanText: true, handleChineseChars: true, lowercase: true }));
  tokenizer.setPreTokenizer(bertPreTokenizer());
  tokenizer.setPostProcessor(bertProcessing(['[SEP]', 3], ['[CLS]', 2]));
  tokenizer.setDecoder(wordPieceDecoder('##', true));
  tokenizer.addSpecialTokens(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
  tokenizer.save(outPath, true);
}

function buildUnigram(corpusPath, outPath) {
  const pieces = [['<unk>', 0], ['<s>', 0], ['</s>', 0]];
  for (let b = 0; b < 256; b++) pieces.push([`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, 0]);
  const seen = new Set(pieces.map((p) => p[0]));
  const add = (piece, score) => { if (!seen.has(piece)) { seen.add(piece); pieces.push([piece, score]); } };
  for (const c of charsOf(corpusPath, 300)) add(c, -12);
  let rank = 0;
  for (const [word, count] of wordCounts(corpusPath).slice(0, 4000)) {
    rank += 1;
    add('▁' + word, -Math.log(rank + 1) - 1 / count);
    if (word.length > 2) add(word.slice(0, 2), -8 - Math.log(rank + 1));
    if (word.length > 4) add(word.slice(2), -9 - Math.log(rank + 1));
  }
  const tokenizer = new Tokenizer(Unigram.init(pieces, { unkId: 0, byteFallback: true }));
  tokenizer.setNormalizer(sequenceNormalizer([nfkcNormalizer(), lowercase()]));
  tokenizer.setPreTokenizer(metaspacePreTokenizer('▁', 'first'));
  tokenizer.setPostProcessor(templateProcessing('<s> $A </s>', null, [['<s>', 1], ['</s>', 2]]));
  tokenizer.setDecoder(metaspaceDecoder('▁', 'first'));
  tokenizer.addSpecialTokens(['<unk>', '<s>', '</s>']);
  tokenizer.addAddedTokens([new AddedToken('[city]', false, { singleWord: true, normalized: true }),
    new AddedToken('<sep>', true, { leftStrip: true, rightStrip: true, normalized: false })]);
  tokenizer.save(outPath, true);
}

function buildWordLevel(corpusPath, outPath) {
  const ids = new Map([['<unk>', 0]]);
  const add = (token) => { if (!ids.has(token)) ids.set(token, ids.size); };
  for (const [word] of wordCounts(corpusPath).slice(0, 2000)) add(word);
  for (const c of '.,;:!?\'"()[]{}-0123456789') add(c);
  const tokenizer = new Tokenizer(WordLevel.init(Object.fromEntries(ids), { unkToken: '<unk>' }));
  tokenizer.setNormalizer(lowercase());
  tokenizer.setPreTokenizer(sequencePreTokenizer([whitespaceSplitPreTokenizer(),
    punctuationPreTokenizer('isolated'), digitsPreTokenizer(true)]));
  tokenizer.save(outPath, true);
}

async function bench(tokenizerPath, corpusPath) {
  const tokenizer = Tokenizer.fromFile(tokenizerPath);
  const texts = readLines(corpusPath);
  for (const text of texts.slice(0, 50)) await tokenizer.encode(text, null, { addSpecialTokens: false });
  const start = process.hrtime.bigint();
  let tokens = 0;
  for (const text of texts) tokens += (await tokenizer.encode(text, null, { addSpecialTokens: false })).getLength();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(JSON.stringify({ tokens, seconds, tokens_per_second: tokens / seconds }));
}

if (mode === 'encode') await encodeAll(first, second, third);
else if (mode === 'decode') await decodeAll(first, second, third);
else if (mode === 'build-wordpiece') buildWordPiece(first, second);
else if (mode === 'build-unigram') buildUnigram(first, second);
else if (mode === 'build-wordlevel') buildWordLevel(first, second);
else if (mode === 'bench') await bench(first, second);
else { console.error(`unknown mode ${mode}`); process.exit(2); }
