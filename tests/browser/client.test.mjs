// Runs the search engine of search.js in Node against a built site (no browser): every query of
// expectations.mjs, highlighting, filters, sorting, paging and the base-path-free routes.
// Usage: node tests/browser/client.test.mjs <dist>
import { readFileSync } from 'node:fs';
import { loadClient } from './load-client.mjs';
import { CASES, ARTICLES, check } from './expectations.mjs';

const dist = process.argv[2];
if (!dist) { console.error('usage: client.test.mjs <dist>'); process.exit(2); }
const gs = loadClient();
let fetched = 0;
const engine = new gs.Engine(async (url, kind) => {
  const path = dist + '/' + url.replace(/\?.*$/, '');
  const buf = readFileSync(path);
  fetched += buf.length;
  return kind === 'json' ? JSON.parse(buf.toString('utf8')) : kind === 'text' ? buf.toString('utf8') : new Uint8Array(buf);
});
let failures = 0;
const fail = (msg) => { failures++; console.error('FAIL ' + msg); };
const marksOf = (hit) => gs.highlight(hit.doc.t, hit.terms, 0).concat(gs.highlight(hit.text, hit.terms, 240)).filter((r) => r.mark).map((r) => r.text);

for (const c of CASES) {
  const res = await engine.search(c.q, { rpp: 50 });
  const routes = res.hits.map((h) => h.doc.r);
  const marked = res.hits.flatMap(marksOf);
  for (const e of check(c, routes, marked)) fail(`${c.q}: ${e}`);
}

// Equal scores come newest first (ids follow seed order, so this takes the date ranks); the
// fixture has such ties, or this check would prove nothing.
let ties = 0;
for (const c of CASES) {
  const res = await engine.search(c.q, { rpp: 50 });
  for (let i = 1; i < res.hits.length; i++) {
    const [a, b] = [res.hits[i - 1], res.hits[i]];
    if (a.score !== b.score) continue;
    ties++;
    if ((a.doc.d || '') < (b.doc.d || '')) fail(`${c.q}: tie not newest first: ${a.doc.r} (${a.doc.d}) before ${b.doc.r} (${b.doc.d})`);
  }
}
if (!ties) fail('no query of expectations.mjs has two results with equal scores');
// The ranks (search/o.bin) are fetched only when they order something.
const ranksFetched = async (q, opts) => {
  let fetchedRanks = false;
  const fresh = new gs.Engine(async (url, kind) => {
    if (url.startsWith('search/o.bin')) fetchedRanks = true;
    const buf = readFileSync(dist + '/' + url.replace(/\?.*$/, ''));
    return kind === 'json' ? JSON.parse(buf.toString('utf8')) : kind === 'text' ? buf.toString('utf8') : new Uint8Array(buf);
  });
  await fresh.search(q, opts);
  return fetchedRanks;
};
if (await ranksFetched('pommes tarte', {})) fail('ranks fetched for a single result');
if (!(await ranksFetched('mistral', {}))) fail('ranks not fetched for a tie');
if (!(await ranksFetched('pommes', { sort: 'date' }))) fail('ranks not fetched to sort by date');

// Partial matches and queries of common words only are flagged for the page to say so.
const partial = await engine.search('pommes mistral', {});
if (!partial.partial || !partial.hits.length) fail('no article has both words: the result must be flagged partial');
const whole = await engine.search('pommes tarte', {});
if (whole.partial) fail('a query matched whole was flagged partial');
const common = await engine.search('le de la', {});
if (!common.empty || !common.stopOnly) fail('a query of stop words only must be flagged stopOnly');

// Seed text stays text: the title with a script tag comes back verbatim, to be set as textContent.
const xss = await engine.search('alert', {});
if (!xss.hits.length || !xss.hits[0].doc.t.includes('<script>alert(1)</script>')) fail('xss title not returned verbatim');

// Filters and sorting.
const tagged = await engine.search('logiciel', { tag: 'informatique' });
if (tagged.hits.map((h) => h.doc.r).join() !== ARTICLES.logicielMairie) fail(`tag filter: ${tagged.hits.map((h) => h.doc.r)}`);
const bySource = await engine.search('', { source: 'le-figaro' });
if (bySource.hits.map((h) => h.doc.r).join() !== ARTICLES.macronMaires) fail(`source filter alone: ${bySource.hits.map((h) => h.doc.r)}`);
// Every taxonomy filters the same way, by its facet key: the byline's author (a), or a tag (t).
const byAuthor = await engine.search('', { filters: { a: 'claire-martin' } });
if (byAuthor.hits.map((h) => h.doc.r).join() !== ARTICLES.macronMaires) fail(`author filter: ${byAuthor.hits.map((h) => h.doc.r)}`);
if (JSON.stringify(byAuthor.hits[0].doc.a) !== '[["Claire Martin","claire-martin"]]') fail(`authors of a result: ${JSON.stringify(byAuthor.hits[0].doc.a)}`);
const facets = await engine.facets();
if (JSON.stringify(facets.a) !== '[["claire-martin","Claire Martin",1]]') fail(`author facets: ${JSON.stringify(facets.a)}`);
const taggedByKey = await engine.search('logiciel', { filters: { t: 'informatique' } });
if (taggedByKey.hits.map((h) => h.doc.r).join() !== ARTICLES.logicielMairie) fail('tag filter by key');
const newest = await engine.search('espion', { sort: 'date' });
const dates = newest.hits.map((h) => h.doc.d || '');
if (dates.join() !== [...dates].sort().reverse().join()) fail(`date sort: ${dates}`);
const oldest = await engine.search('espion', { sort: 'old' });
const od = oldest.hits.map((h) => h.doc.d);
if (od.join() !== [...od].sort().join()) fail(`old sort: ${od}`);

// Paging: 2 per page over the four articles with the stem "espion" (espion, espions, espionner;
// a trailing space means no prefix expansion, which would add the "espionnage" ones).
const p1 = await engine.search('espion ', { rpp: 2, page: 1 });
const p2 = await engine.search('espion ', { rpp: 2, page: 2 });
if (p1.total !== 4 || p1.pages !== 2 || p1.hits.length !== 2 || p2.hits.length !== 2) fail(`paging: ${p1.total} ${p1.pages} ${p1.hits.length} ${p2.hits.length}`);
if (p1.hits.some((h) => p2.hits.some((x) => x.doc.r === h.doc.r))) fail('paging overlaps');

// Routes are stored without base path: the page prefixes data-base.
for (const h of p1.hits) if (h.doc.r.startsWith('/')) fail(`route with base path: ${h.doc.r}`);

if (failures) { console.error(`${failures} failure(s)`); process.exit(1); }
console.log(`client: ${CASES.length} queries and filters OK (${fetched} bytes read)`);
