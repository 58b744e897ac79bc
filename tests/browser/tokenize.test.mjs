// The browser must cut, fold and stem query words exactly as the Rust indexer does. The Rust
// side is pinned by tests/browser/fixtures/terms.fr.tsv (checked by the `tokenizer_fixture_matches`
// unit test); this checks search.js against the same file. Run: node tests/browser/tokenize.test.mjs
import { readFileSync } from 'node:fs';
import { loadClient, root } from './load-client.mjs';

const gs = loadClient();
const lines = readFileSync(root + 'tests/browser/fixtures/terms.fr.tsv', 'utf8').split('\n').filter(Boolean);
let failures = 0;
for (const line of lines) {
  const tab = line.lastIndexOf('\t');
  const input = line.slice(0, tab);
  const expected = line.slice(tab + 1);
  const got = gs.terms(input, 'fr').join(' ');
  if (got !== expected) {
    failures++;
    if (failures <= 20) console.error(`MISMATCH ${JSON.stringify(input)}: rust=${JSON.stringify(expected)} js=${JSON.stringify(got)}`);
  }
}
// Distances used by typo tolerance: a transposition is one edit.
const d = (a, b) => gs.distance(a, b, 2);
const checks = [[d('macorn', 'macron'), 1], [d('pegasis', 'pegasus'), 1], [d('israel', 'israel'), 0], [d('abc', 'xyz'), 3]];
for (const [got, want] of checks) if (got !== want) { failures++; console.error(`distance: got ${got}, want ${want}`); }
// Word families: the same pairs as the Rust `family_fixture_matches` test.
const stem = (w) => gs.terms(w, 'fr').join('');
const pairs = readFileSync(root + 'tests/browser/fixtures/families.tsv', 'utf8').split('\n').filter(Boolean);
for (const line of pairs) {
  const [a, b, want] = line.split('\t');
  const family = stem(a) !== stem(b) && gs.isFamily(stem(a), stem(b));
  if (family !== (want === '1')) { failures++; console.error(`family ${a} / ${b}: got ${family}, want ${want}`); }
}
if (pairs.length < 10) { failures++; console.error('family fixture too small'); }
if (lines.length < 100) { failures++; console.error('fixture too small'); }
if (failures) { console.error(`${failures} failure(s) out of ${lines.length}`); process.exit(1); }
console.log(`tokenize: ${lines.length} fixture lines agree`);
