// End-to-end test of the search page in headless Chromium (Debian /usr/bin/chromium driven by
// playwright-core). Serves a built fixture site under a sub-path and runs every query of
// expectations.mjs twice: loaded from the URL (/sub/path/search/?q=…) and typed into the box.
// Usage: node tests/browser/search.e2e.mjs <dist> <port> <base path, e.g. /sub/path/>
import { serve, launchChromium } from './server.mjs';
import { CASES, ARTICLES, check } from './expectations.mjs';

const [dist, portArg, basePath] = process.argv.slice(2);
if (!dist || !portArg || !basePath) { console.error('usage: search.e2e.mjs <dist> <port> <base path>'); process.exit(2); }
const { server, origin } = await serve(dist, basePath, Number(portArg));
const site = origin + basePath;
const browser = await launchChromium();
let failures = 0;
const fail = (msg) => { failures++; console.error('FAIL ' + msg); };
const page = await browser.newPage();
page.on('dialog', (d) => { fail(`dialog opened: ${d.message()}`); d.dismiss(); });
page.on('pageerror', (e) => fail(`page error: ${e.message}`));
page.on('request', (r) => { if (!r.url().startsWith(site)) fail(`request outside the site: ${r.url()}`); });

// Waits until the page has answered the current query and returns what it shows.
async function results() {
  await page.waitForFunction(() => {
    const root = document.getElementById('gz-search');
    const s = document.getElementById('gz-status').textContent;
    return !root.hasAttribute('aria-busy') && s && !s.endsWith('…');
  }, null, { timeout: 10000 });
  return page.evaluate((site) => ({
    status: document.getElementById('gz-status').textContent,
    routes: [...document.querySelectorAll('#gz-results .gz-title a')].map((a) => a.href.slice(site.length)),
    marks: [...document.querySelectorAll('#gz-results mark')].map((m) => m.textContent),
    titles: [...document.querySelectorAll('#gz-results .gz-title')].map((h) => h.textContent),
  }), site);
}
function checkCase(c, got, how) {
  for (const e of check(c, got.routes, got.marks)) fail(`${how} ${JSON.stringify(c.q)}: ${e}`);
  const n = got.routes.length;
  // A query no article matches whole says so after the count (checked on its own below).
  const partial = '(\\. Aucun article ne contient tous les mots ; résultats pour une partie d’entre eux\\.)?';
  const want = n === 0 ? /^Aucun résultat$/ : new RegExp(`^${n === 1 ? '1 résultat' : `${n} résultats`}${partial}$`);
  if (!want.test(got.status)) fail(`${how} ${JSON.stringify(c.q)}: status ${JSON.stringify(got.status)} for ${n} results`);
}

// 1. Every query loaded from the URL.
for (const c of CASES) {
  await page.goto(`${site}search/?q=${encodeURIComponent(c.q)}`);
  const got = await results();
  checkCase(c, got, 'url');
  if ((await page.inputValue('#gz-q')) !== c.q) fail(`url ${c.q}: search box not pre-filled`);
}

// 1b. The page says when it shows partial matches, and answers a query of common words only.
await page.goto(`${site}search/?q=${encodeURIComponent('pommes mistral')}`);
const partialGot = await results();
if (!partialGot.routes.length || !partialGot.status.endsWith('Aucun article ne contient tous les mots ; résultats pour une partie d’entre eux.')) {
  fail(`partial matches not announced: ${JSON.stringify(partialGot.status)}`);
}
await page.goto(`${site}search/?q=${encodeURIComponent('pommes tarte')}`);
if ((await results()).status !== '1 résultat') fail('a whole match announced as partial');
await page.goto(`${site}search/?q=${encodeURIComponent('le de la')}`);
const common = await results();
if (!common.status.startsWith('Ces mots sont trop courants')) fail(`stop words only: ${JSON.stringify(common.status)}`);

// 1c. A typo correction is announced with a link that runs the query as typed, in the page's
// language (English by the same page with data-lang=en).
async function checkFix(want, lang) {
  await page.goto(`${site}search/?q=macorn`);
  await results();
  const fix = await page.evaluate(() => { const f = document.getElementById('gz-fix'); return { hidden: f.hidden, text: f.textContent }; });
  if (fix.hidden || fix.text !== want) fail(`${lang} typo correction: ${JSON.stringify(fix)}`);
  await Promise.all([page.waitForFunction(() => location.search.includes('typo=0')), page.click('#gz-fix a')]);
  const asTyped = await results();
  if (asTyped.routes.length || (await page.isVisible('#gz-fix'))) fail(`${lang} query as typed: ${JSON.stringify(asTyped)}`);
  await page.goBack();
  if ((await results()).routes.length < 2) fail(`${lang}: back to the corrected results`);
}
await checkFix('Résultats pour macron. Rechercher plutôt macorn ?', 'fr');
await page.route(`${site}search/**`, async (route) => {
  const r = await route.fetch();
  const body = await r.text();
  await route.fulfill({ response: r, body: r.headers()['content-type']?.includes('html') ? body.replace(/data-lang="?fr"?/, 'data-lang=en') : body });
});
await checkFix('Results for macron. Search instead for macorn?', 'en');
await page.unroute(`${site}search/**`);
await page.goto(`${site}search/?q=macron`);
await results();
if (await page.isVisible('#gz-fix')) fail('a query without correction shows the correction line');

// 2. Every query typed into the page's own box; the URL follows the query.
await page.goto(`${site}search/`);
for (const c of CASES) {
  await page.evaluate(() => { document.getElementById('gz-status').textContent = ''; });
  await page.fill('#gz-q', '');
  await page.type('#gz-q', c.q, { delay: 5 });
  const got = await results();
  checkCase(c, got, 'typed');
  const q = await page.evaluate(() => new URLSearchParams(location.search).get('q'));
  if (q !== c.q) fail(`typed ${c.q}: URL has q=${q}`);
}

// 3. Seed content is text: the title with a <script> shows literally, nothing runs.
await page.goto(`${site}search/?q=alert`);
const xss = await results();
if (!xss.titles.some((t) => t.includes('<script>alert(1)</script>'))) fail(`xss title not shown as text: ${JSON.stringify(xss.titles)}`);
if (await page.$('#gz-results script, #gz-results img, #gz-results b')) fail('seed markup became elements');

// 4. Filters and sorting from the URL; links carry the base path.
await page.goto(`${site}search/?q=logiciel&tag=informatique`);
const filtered = await results();
if (filtered.routes.join() !== ARTICLES.logicielMairie) fail(`tag filter: ${filtered.routes}`);
if ((await page.inputValue('#gz-tag')) !== 'informatique') fail('tag select not set from the URL');
const tagHref = await page.getAttribute('#gz-results .gz-tags a', 'href');
if (!tagHref || !tagHref.startsWith(basePath + 'tags/')) fail(`tag link ${tagHref}`);
await page.goto(`${site}search/?q=macron&author=claire-martin`);
const byAuthor = await results();
if (byAuthor.routes.join() !== ARTICLES.macronMaires) fail(`author filter: ${byAuthor.routes}`);
if ((await page.inputValue('#gz-author')) !== 'claire-martin') fail('author select not set from the URL');
const authorHref = await page.getAttribute('#gz-results .gz-author', 'href');
if (authorHref !== basePath + 'authors/claire-martin/') fail(`author link ${authorHref}`);
await page.goto(`${site}search/?q=espion&sort=date`);
const sorted = await results();
const dates = await page.$$eval('#gz-results time', (ts) => ts.map((t) => t.getAttribute('datetime')));
if (dates.join() !== [...dates].sort().reverse().join() || sorted.routes.length < 3) fail(`date sort: ${dates}`);

// 5. Keyboard: ArrowDown from the box reaches the first result, Escape comes back.
await page.goto(`${site}search/?q=macron`);
await results();
await page.focus('#gz-q');
await page.keyboard.press('ArrowDown');
const focused = await page.evaluate(() => document.activeElement.closest('.gz-title') !== null);
if (!focused) fail('ArrowDown did not focus the first result');
await page.keyboard.press('ArrowDown');
await page.keyboard.press('Escape');
if ((await page.evaluate(() => document.activeElement.id)) !== 'gz-q') fail('Escape did not return to the search box');
if ((await page.getAttribute('#gz-status', 'aria-live')) !== 'polite') fail('status is not a live region');

// 6. The site header's search form lands on the page with the query.
await page.goto(site);
if (await page.$('form[role="search"] input[name="q"]')) {
  await page.fill('form[role="search"] input[name="q"]', 'pegasis');
  await Promise.all([page.waitForNavigation(), page.press('form[role="search"] input[name="q"]', 'Enter')]);
  const header = await results();
  checkCase(CASES.find((c) => c.q === 'pegasis'), header, 'header');
}

await browser.close();
server.close();
if (failures) { console.error(`${failures} failure(s)`); process.exit(1); }
console.log(`e2e: ${CASES.length} queries by URL and by typing, XSS, filters, sort, keyboard OK`);
