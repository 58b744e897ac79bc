#!/usr/bin/env node
// Compares gazette's search with Pagefind on the same built site (see the search section of
// BENCHMARKS.md). For each engine: index build time, files and bytes written, then, in headless
// Chromium, the bytes each query downloads (raw and gzip-compressed, counted by the server) and
// the results it shows. With --expect, also checks the queries of tests/browser/expectations.mjs
// (for a build of tests/fixtures/search-site).
//
// node bench/search_compare.mjs --dist DIST [--base /] [--pagefind "python3 -m pagefind" | --no-pagefind]
//      [--queries "israel,pegasus,…"] [--expect] [--json out.json] [--throttle 4 --runs 5 [--alt-js FILE]]
// With --throttle R, gazette's queries also run --runs times (default 5) under Chromium's R× CPU
// throttling, and a table gives the median time from the last index byte (the last response
// under search/) to the first results on the page, and the median total time. With
// --alt-js FILE (another search.js, e.g. main's, minified), the timing runs alternate between
// the site's search.js and FILE on the same index, and the table gives both.
// Needs: npm ci --prefix tests/browser, /usr/bin/chromium, Pagefind (pip install 'pagefind[bin]')
// unless --no-pagefind (gazette only: for measuring a change to the index quickly).
import { execSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import http from 'node:http';
import { createRequire } from 'node:module';
import { serve } from '../tests/browser/server.mjs';
import { CASES, check } from '../tests/browser/expectations.mjs';

const require = createRequire(new URL('../tests/browser/', import.meta.url));
const { chromium } = require('playwright-core');
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1] && !all[i + 1].startsWith('--') ? all[i + 1] : true]);
  return acc;
}, []));
const dist = args.dist;
if (!dist) { console.error('usage: search_compare.mjs --dist DIST [--base /] [--pagefind CMD] [--queries a,b] [--expect]'); process.exit(2); }
const base = args.base || '/';
const pagefindCmd = args.pagefind || 'python3 -m pagefind';
const withPagefind = !args['no-pagefind'];
const queries = args.expect ? CASES.map((c) => c.q) : (args.queries || 'israel,pegasus,macron,journalistes,mobil,pegasis,"logiciel espion",défense armée').split(',');

function du(dir) {
  let files = 0, bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) { const s = du(p); files += s.files; bytes += s.bytes; } else { files++; bytes += statSync(p).size; }
  }
  return { files, bytes };
}

// Pagefind writes into its own folder so the gazette site stays untouched.
const work = mkdtempSync(join(tmpdir(), 'search-compare-'));
const pfOut = join(work, 'pagefind');
// Pagefind indexes the article pages only (like gazette). The minified pages omit the optional
// `</head>`, without which Pagefind 1.x indexes nothing: copies with it put back are indexed.
const pfSite = join(work, 'site');
let pagefindMs = 0, pf = null;
if (withPagefind) {
for (const slug of readdirSync(join(dist, 'articles'))) {
  const file = join(dist, 'articles', slug, 'index.html');
  try { statSync(file); } catch { continue; }
  mkdirSync(join(pfSite, 'articles', slug), { recursive: true });
  const html = readFileSync(file, 'utf8');
  writeFileSync(join(pfSite, 'articles', slug, 'index.html'), html.includes('</head>') ? html : html.replace('<body', '</head><body'));
}
const t0 = process.hrtime.bigint();
execSync(`${pagefindCmd} --site ${JSON.stringify(pfSite)} --output-path ${JSON.stringify(pfOut)} --glob "articles/**/*.html" --force-language fr`, { stdio: 'pipe' });
pagefindMs = Number(process.hrtime.bigint() - t0) / 1e6;
pf = du(pfOut);
} else {
  mkdirSync(pfOut, { recursive: true });
}
const gz = du(join(dist, 'search'));
const gzJs = statSync(join(dist, 'static/search.js')).size;
const gzJsZ = gzipSync(readFileSync(join(dist, 'static/search.js')), { level: 6 }).length;

// One server: the site under `base`, Pagefind's files and a page with its default UI beside it.
const { server, log, origin } = await serve(dist, base, 0);
const pfPrefix = base + '_pagefind/';
const inner = server.listeners('request')[0];
// Requests under _pagefind/ are proxied to a second server over the Pagefind output folder.
const pfServer = await serve(pfOut, '/', 0);
const altJs = args['alt-js'] ? readFileSync(args['alt-js']) : null;
let useAlt = false;
server.removeAllListeners('request');
server.on('request', (req, res) => {
  if (req.url.startsWith(pfPrefix)) {
    const r = http.request({ host: '127.0.0.1', port: new URL(pfServer.origin).port, path: '/' + req.url.slice(pfPrefix.length), headers: req.headers }, (up) => {
      res.writeHead(up.statusCode, up.headers); up.pipe(res);
    });
    r.end();
    return;
  }
  if (altJs && useAlt && req.url.startsWith(base + 'static/search.js')) {
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' });
    res.end(altJs);
    return;
  }
  if (req.url.startsWith(base + '_pf.html')) {
    const html = `<!doctype html><meta charset=utf-8><link href="${pfPrefix}pagefind-ui.css" rel=stylesheet>` +
      `<script src="${pfPrefix}pagefind-ui.js"></script><div id=search></div>` +
      `<script>window.addEventListener('DOMContentLoaded',()=>{new PagefindUI({element:'#search',showSubResults:false})})</script>`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
    return;
  }
  inner(req, res);
});

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const site = origin + base;
const sum = (entries) => entries.reduce((a, e) => [a[0] + e.bytes, a[1] + e.gzip], [0, 0]);

const throttle = Number(args.throttle) || 0;
const timingRuns = Number(args.runs) || 5;
// Under CPU throttling: ms from the last search/ response to the status line being set (results
// shown), and ms in all, for one page load of the query.
async function gazetteTiming(q) {
  const page = await browser.newPage();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
  await page.addInitScript(() => {
    new MutationObserver(() => {
      const status = document.getElementById('gz-status'), root = document.getElementById('gz-search');
      if (!window.__gzShown && status && status.textContent && !status.textContent.endsWith('…') && !root.hasAttribute('aria-busy')) window.__gzShown = performance.now();
    }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  });
  await page.goto(`${site}search/?q=${encodeURIComponent(q)}`);
  await page.waitForFunction(() => window.__gzShown, null, { timeout: 60000 });
  const t = await page.evaluate(() => {
    const ends = performance.getEntriesByType('resource').filter((e) => /\/search\/(meta\.json|[tpdf]\/|o\.bin)/.test(e.name)).map((e) => e.responseEnd);
    return { gap: window.__gzShown - Math.max(...ends), total: window.__gzShown };
  });
  await page.close();
  return t;
}
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

async function gazetteQuery(q) {
  const page = await browser.newPage();
  log.length = 0;
  const t = Date.now();
  await page.goto(`${site}search/?q=${encodeURIComponent(q)}`);
  await page.waitForFunction(() => { const s = document.getElementById('gz-status').textContent; return s && !s.endsWith('…') && !document.getElementById('gz-search').hasAttribute('aria-busy'); }, null, { timeout: 30000 });
  const ms = Date.now() - t;
  const shown = await page.$$eval('#gz-results .gz-title a', (as) => as.map((a) => a.getAttribute('href')));
  const marks = await page.$$eval('#gz-results mark', (ms) => ms.map((m) => m.textContent));
  const status = await page.textContent('#gz-status');
  await page.close();
  const search = log.filter((e) => e.path.includes('/search/') && !e.path.endsWith('/search/') || e.path.endsWith('search.js'));
  const pageItself = log.filter((e) => !search.includes(e));
  return { q, ms, status, routes: shown.map((h) => h.slice(base.length)), marks, fetched: sum(search), page: sum(pageItself), requests: search.length };
}
async function pagefindQuery(q) {
  const page = await browser.newPage();
  await page.goto(`${site}_pf.html`);
  await page.waitForSelector('.pagefind-ui__search-input');
  log.length = 0;
  pfServer.log.length = 0;
  const t = Date.now();
  await page.fill('.pagefind-ui__search-input', q);
  await page.waitForFunction(() => document.querySelector('.pagefind-ui__message')?.textContent.match(/\d|No results/), null, { timeout: 30000 });
  await page.waitForTimeout(300);
  await page.waitForLoadState('networkidle');
  const ms = Date.now() - t;
  const shown = await page.$$eval('.pagefind-ui__result-link', (as) => as.map((a) => a.getAttribute('href')));
  const marks = await page.$$eval('.pagefind-ui__result mark', (ms) => ms.map((m) => m.textContent));
  const status = await page.textContent('.pagefind-ui__message');
  await page.close();
  // Everything Pagefind's page loads counts, its UI script included (loaded before typing: added back).
  const ui = pfServer.log.length;
  return { q, ms, status, routes: shown.map((h) => h.replace(/^\//, '').replace(/index\.html$/, '').slice(base.length - 1)), marks, fetched: sum(pfServer.log), requests: ui };
}
async function pagefindStartup() {
  pfServer.log.length = 0;
  const page = await browser.newPage();
  await page.goto(`${site}_pf.html`);
  await page.waitForSelector('.pagefind-ui__search-input');
  await page.waitForLoadState('networkidle');
  await page.close();
  return sum(pfServer.log);
}

const pfStart = withPagefind ? await pagefindStartup() : [0, 0];
const rows = [];
for (const q of queries) {
  const g = await gazetteQuery(q);
  const p = withPagefind ? await pagefindQuery(q) : null;
  if (p) p.fetched = [p.fetched[0] + pfStart[0], p.fetched[1] + pfStart[1]];
  if (throttle) {
    const runs = [], alt = [];
    for (let i = 0; i < timingRuns; i++) {
      runs.push(await gazetteTiming(q));
      if (!altJs) continue;
      useAlt = true;
      alt.push(await gazetteTiming(q));
      useAlt = false;
    }
    g.throttled = { gap: median(runs.map((r) => r.gap)), total: median(runs.map((r) => r.total)) };
    if (altJs) g.alt = { gap: median(alt.map((r) => r.gap)), total: median(alt.map((r) => r.total)) };
  }
  rows.push({ q, g, p });
}
if (throttle && altJs) {
  console.log(`\n| query (gazette, ${throttle}× CPU throttling, median of ${timingRuns}, alternating) | last index byte → results shown (ms), ${args['alt-js']} | the site's search.js | page start → results shown (ms), ${args['alt-js']} | the site's |`);
  console.log('|---|---|---|---|---|');
  for (const { q, g } of rows) console.log(`| \`${q}\` | ${g.alt.gap.toFixed(0)} | ${g.throttled.gap.toFixed(0)} | ${g.alt.total.toFixed(0)} | ${g.throttled.total.toFixed(0)} |`);
} else if (throttle) {
  console.log(`\n| query (gazette, ${throttle}× CPU throttling, median of ${timingRuns}) | last index byte → results shown (ms) | page start → results shown (ms) |`);
  console.log('|---|---|---|');
  for (const { q, g } of rows) console.log(`| \`${q}\` | ${g.throttled.gap.toFixed(0)} | ${g.throttled.total.toFixed(0)} |`);
}
await browser.close();
server.close();
pfServer.server.close();
rmSync(work, { recursive: true, force: true });

const kb = (b) => (b / 1024).toFixed(1);
if (!withPagefind) {
  console.log(`\n| | gazette |\n|---|---|\n| index files | ${gz.files} (+ search.js ${kb(gzJs)} KB) |\n| index bytes | ${kb(gz.bytes)} KB |`);
  console.log('\n| query | KB fetched (raw / gzip) | of which search.js (raw / gzip) | requests | results |');
  console.log('|---|---|---|---|---|');
  for (const { q, g } of rows) {
    console.log(`| \`${q}\` | ${kb(g.fetched[0])} / ${kb(g.fetched[1])} | ${kb(gzJs)} / ${kb(gzJsZ)} | ${g.requests} | ${g.status} |`);
  }
  if (args.json) writeFileSync(args.json, JSON.stringify({ gazette: { ...gz, js: gzJs }, rows }, null, 2));
  process.exit(0);
}
console.log(`\n| | gazette | Pagefind ${execSync(`${pagefindCmd} --version`).toString().trim().split(' ').pop()} |`);
console.log('|---|---|---|');
console.log(`| index files | ${gz.files} (+ search.js ${kb(gzJs)} KB) | ${pf.files} |`);
console.log(`| index bytes | ${kb(gz.bytes)} KB | ${kb(pf.bytes)} KB |`);
console.log(`| index build time | see \`gazette build -v\` / tests/search_scale.rs | ${(pagefindMs / 1000).toFixed(2)} s |`);
console.log('\n| query | gazette KB fetched (raw / gzip) | gazette results | Pagefind KB fetched (raw / gzip) | Pagefind results |');
console.log('|---|---|---|---|---|');
for (const { q, g, p } of rows) {
  console.log(`| \`${q}\` | ${kb(g.fetched[0])} / ${kb(g.fetched[1])} | ${g.status} | ${kb(p.fetched[0])} / ${kb(p.fetched[1])} | ${p.status} |`);
}
if (args.expect) {
  console.log('\n| query | gazette finds the expected articles | Pagefind finds the expected articles |');
  console.log('|---|---|---|');
  for (const { q, g, p } of rows) {
    const c = CASES.find((x) => x.q === q);
    const ge = check({ ...c, mark: undefined }, g.routes, null);
    const pe = check({ ...c, mark: undefined, first: undefined }, p.routes, null);
    console.log(`| \`${q}\` | ${ge.length ? 'no: ' + ge.join('; ') : 'yes'} | ${pe.length ? 'no: ' + pe.join('; ') : 'yes'} |`);
  }
}
if (args.json) writeFileSync(args.json, JSON.stringify({ gazette: { ...gz, js: gzJs }, pagefind: { ...pf, ms: pagefindMs, startup: pfStart }, rows }, null, 2));
