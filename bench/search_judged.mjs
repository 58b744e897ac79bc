#!/usr/bin/env node
// Ranking quality of gazette's search on a judged query set (see the search section of
// BENCHMARKS.md): builds nothing, reads a site built from tests/fixtures/search-judged and runs
// each judged query through the engine of themes/default/static/search.js in Node (the file the
// site ships), then reports, for the tuning and the held-out half:
// - P@5: share of the first 5 results judged relevant (grade ≥ 1);
// - MRR: mean of 1 / rank of the first result of the query's top grade (what the reader is after);
// - nDCG@10: graded (gain 2^grade − 1), ideal order from the judgments.
//
// cargo run --release -- build --root tests/fixtures/search-judged --output /tmp/judged
// node bench/search_judged.mjs --dist /tmp/judged [--set tests/fixtures/search-judged] [--json out.json] [--verbose]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadClient } from '../tests/browser/load-client.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : true]);
  return acc;
}, []));
if (!args.dist) { console.error('usage: search_judged.mjs --dist DIST [--set DIR] [--json out.json] [--verbose]'); process.exit(2); }
const setDir = args.set || new URL('../tests/fixtures/search-judged', import.meta.url).pathname;
const judged = JSON.parse(readFileSync(join(setDir, 'judgments.json'), 'utf8'));

// Route of each seed, from the urls.lock the build keeps: `NNN_hash slug`.
const seedOfRoute = new Map();
for (const line of readFileSync(join(setDir, 'urls.lock'), 'utf8').split('\n')) {
  if (!line || line.startsWith('#')) continue;
  const [id, slug] = line.split(' ');
  seedOfRoute.set(`articles/${slug}/`, id.split('_')[0]);
}

const gs = loadClient();
const engine = new gs.Engine(async (url, kind) => {
  const buf = readFileSync(join(args.dist, url.replace(/\?.*$/, '').replace(/\/$/, '/index.html')));
  return kind === 'json' ? JSON.parse(buf.toString('utf8')) : kind === 'text' ? buf.toString('utf8') : new Uint8Array(buf);
});

function metrics(ranked, rel) {
  const grade = (s) => rel[s] || 0;
  const top = Math.max(...Object.values(rel));
  const p5 = ranked.slice(0, 5).filter((s) => grade(s) >= 1).length / 5;
  const first = ranked.findIndex((s) => grade(s) === top);
  const rr = first < 0 ? 0 : 1 / (first + 1);
  const dcg = (gains) => gains.slice(0, 10).reduce((sum, g, i) => sum + (2 ** g - 1) / Math.log2(i + 2), 0);
  const ideal = dcg(Object.values(rel).sort((a, b) => b - a));
  return { p5, rr, ndcg: ideal ? dcg(ranked.map(grade)) / ideal : 0 };
}

const halves = {};
const rows = [];
for (const { q, half, rel } of judged.queries) {
  const res = await engine.search(q, { rpp: 10 });
  const ranked = res.hits.map((h) => seedOfRoute.get(h.doc.r) || h.doc.r);
  const m = metrics(ranked, rel);
  rows.push({ q, half, ranked, ...m });
  (halves[half] ||= []).push(m);
  if (args.verbose) console.log(`${half.padEnd(8)} ${q.padEnd(26)} P@5 ${m.p5.toFixed(2)} RR ${m.rr.toFixed(2)} nDCG ${m.ndcg.toFixed(2)}  ${ranked.join(' ')}`);
}
const mean = (list, k) => list.reduce((s, m) => s + m[k], 0) / list.length;
const summary = {};
for (const [half, list] of Object.entries(halves)) {
  summary[half] = { queries: list.length, p5: mean(list, 'p5'), mrr: mean(list, 'rr'), ndcg10: mean(list, 'ndcg') };
  console.log(`${half}: ${list.length} queries  P@5 ${summary[half].p5.toFixed(3)}  MRR ${summary[half].mrr.toFixed(3)}  nDCG@10 ${summary[half].ndcg10.toFixed(3)}`);
}
if (args.json) writeFileSync(args.json, JSON.stringify({ summary, rows }, null, 1));
