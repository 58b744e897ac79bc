// Every kind of page of a built site in headless Chromium, on a desktop and on a phone, in light
// and dark colours: axe-core must report no accessibility violation, and the layout must hold
// (no horizontal scrolling, no missing file such as the favicon, the article column centred on a
// wide screen, a compact header on a phone).
// Usage: node tests/browser/pages.e2e.mjs <dist> <port> <base path, e.g. /sub/path/>
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { serve, launchChromium } from './server.mjs';

const [dist, portArg, basePath] = process.argv.slice(2);
if (!dist || !portArg || !basePath) { console.error('usage: pages.e2e.mjs <dist> <port> <base path>'); process.exit(2); }
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// One page of each kind the site has, found in the built tree.
function firstSubfolder(dir, skip = () => false) {
  const path = join(dist, dir);
  if (!existsSync(path)) return null;
  const name = readdirSync(path).sort().find((n) => existsSync(join(path, n, 'index.html')) && !skip(n));
  return name ? `${dir}/${name}/` : null;
}
const kinds = {
  home: '',
  article: firstSubfolder('articles'),
  tags: existsSync(join(dist, 'tags/index.html')) ? 'tags/' : null,
  tag: firstSubfolder('tags', (n) => /^\d+$/.test(n)),
  sources: existsSync(join(dist, 'sources/index.html')) ? 'sources/' : null,
  source: firstSubfolder('sources', (n) => /^\d+$/.test(n)),
  authors: existsSync(join(dist, 'authors/index.html')) ? 'authors/' : null,
  author: firstSubfolder('authors', (n) => /^\d+$/.test(n)),
  archive: 'archive/',
  year: firstSubfolder('archive', (n) => !/^\d+$/.test(n)),
  undated: existsSync(join(dist, 'archive/undated/index.html')) ? 'archive/undated/' : null,
  about: existsSync(join(dist, 'about/index.html')) ? 'about/' : null,
  // Both test sites have an undated article about the spyware: its result needs a meta line too.
  search: 'search/?q=spyware',
  'not found': '404.html',
};

const { server, origin } = await serve(dist, basePath, Number(portArg));
const site = origin + basePath;
const browser = await launchChromium();
let failures = 0;
const fail = (msg) => { failures++; console.error('FAIL ' + msg); };

const SCREENS = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
};

async function checkLayout(page, where, screen, kind) {
  const box = await page.evaluate(() => {
    const header = document.querySelector('.site-header');
    const article = document.querySelector('main .article');
    const links = [...document.querySelectorAll('.nav a')];
    return {
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      header: header ? header.getBoundingClientRect().height : 0,
      wrapped: links.filter((a) => a.getClientRects().length > 1).map((a) => a.textContent),
      article: article && (() => { const r = article.getBoundingClientRect(); return { left: r.left, right: window.innerWidth - r.right }; })(),
    };
  });
  if (box.overflow > 0) fail(`${where}: page scrolls sideways by ${box.overflow}px`);
  if (box.wrapped.length) fail(`${where}: nav links wrap: ${box.wrapped.join(', ')}`);
  if (screen === 'phone' && box.header > 140) fail(`${where}: header is ${box.header}px tall on a phone`);
  if (screen === 'desktop' && kind === 'article' && Math.abs(box.article.left - box.article.right) > 20) {
    fail(`${where}: article column not centred (${Math.round(box.article.left)}px left, ${Math.round(box.article.right)}px right)`);
  }
}

async function checkAxe(page, where) {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
  for (const v of violations) fail(`${where}: axe ${v}`);
}

// Every search result says when it was published, or that it is undated, and where from.
async function checkResults(page, where) {
  // The status says "Recherche…" while the index loads: wait for the results themselves.
  await page.waitForSelector('.gz-result', { timeout: 15000 }).catch(() => null);
  const results = await page.$$eval('.gz-result', (rs) => rs.map((r) => r.querySelector('.gz-meta')?.textContent ?? ''));
  if (!results.length) fail(`${where}: no results`);
  results.forEach((meta, i) => { if (!meta.trim()) fail(`${where}: result ${i + 1} has no meta line`); });
}

let checked = 0;
for (const [screen, options] of Object.entries(SCREENS)) {
  for (const scheme of ['light', 'dark']) {
    const context = await browser.newContext({ ...options, colorScheme: scheme });
    const page = await context.newPage();
    const missing = [];
    page.on('response', (r) => { if (r.status() === 404 && !r.url().endsWith('404.html')) missing.push(r.url()); });
    page.on('pageerror', (e) => fail(`page error: ${e.message}`));
    for (const [kind, path] of Object.entries(kinds)) {
      if (path === null) continue;
      const where = `${kind} (${path || '/'}, ${screen}, ${scheme})`;
      missing.length = 0;
      await page.goto(site + path, { waitUntil: 'load' });
      if (kind === 'search') await checkResults(page, where);
      for (const url of missing) fail(`${where}: 404 for ${url}`);
      await checkLayout(page, where, screen, kind);
      await checkAxe(page, where);
      checked++;
    }
    await context.close();
  }
}
await browser.close();
server.close();
if (failures) { console.error(`${failures} failure(s)`); process.exit(1); }
console.log(`pages: ${checked} page views (${Object.values(kinds).filter((k) => k !== null).length} kinds × desktop/phone × light/dark), axe clean`);
