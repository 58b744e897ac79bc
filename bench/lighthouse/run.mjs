// Lighthouse accessibility score of every page kind of built sites, light and dark, desktop and
// phone, in the Debian Chromium. Run by bench/lighthouse.sh, not by `cargo test`: Lighthouse is
// large and slow, and axe-core in tests/browser/pages.e2e.mjs already guards every page kind.
// Usage: node run.mjs <port> <dist>:<kind>=<path>,<kind>=<path>... [<dist>:...]
// Prints one line per page kind and a table; exits 1 when any score is under 100.
import http from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import puppeteer from 'puppeteer-core';

const [portArg, ...siteArgs] = process.argv.slice(2);
if (!portArg || !siteArgs.length) { console.error('usage: run.mjs <port> <dist>:<kind>=<path>,...'); process.exit(2); }
const BASE = '/sub/path/';

// Each site is served at its own port, under BASE, as GitHub Pages serves a project site.
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.xml': 'application/xml' };
function serve(dist, port) {
  const server = http.createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = path.startsWith(BASE) ? join(dist, normalize(path.slice(BASE.length)).replace(/^(\.\.[/\\])+/, '')) : null;
    try {
      if (!file) throw new Error('outside');
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream' });
      res.end(readFileSync(file));
    } catch {
      res.writeHead(404, { 'content-type': 'text/html; charset=utf-8' });
      res.end(readFileSync(join(dist, '404.html')));
    }
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

const pages = [];
const servers = [];
for (const [i, arg] of siteArgs.entries()) {
  const colon = arg.lastIndexOf(':');
  const dist = arg.slice(0, colon);
  const port = Number(portArg) + i;
  servers.push(await serve(dist, port));
  for (const pair of arg.slice(colon + 1).split(',')) {
    const [kind, path] = pair.split('=');
    pages.push({ kind, url: `http://127.0.0.1:${port}${BASE}${path}` });
  }
}

// Dark is the user's colour scheme as Chromium reports it to pages (`prefers-color-scheme`),
// checked on each page after its run, so that a flag Chromium stopped honouring cannot pass
// for a dark run.
const FLAGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const DARK = ['--force-dark-mode', '--blink-settings=preferredColorScheme=0'];

const scores = new Map();
let failures = 0;
for (const scheme of ['light', 'dark']) {
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: scheme === 'dark' ? [...FLAGS, ...DARK] : FLAGS,
  });
  for (const screen of ['desktop', 'phone']) {
    for (const { kind, url } of pages) {
      const page = await browser.newPage();
      const flags = { output: 'json', logLevel: 'error', onlyCategories: ['accessibility'] };
      const config = screen === 'desktop' ? desktopConfig : undefined;
      const { lhr } = await lighthouse(url, flags, config, page);
      const dark = await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches);
      await page.close();
      if (dark !== (scheme === 'dark')) throw new Error(`${url}: prefers-color-scheme is not ${scheme}`);
      const score = Math.round(lhr.categories.accessibility.score * 100);
      scores.set(`${kind} ${screen} ${scheme}`, score);
      const failed = lhr.categories.accessibility.auditRefs
        .map((ref) => lhr.audits[ref.id])
        .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary');
      const detail = failed.map((a) => `${a.id}: ${(a.details?.items || []).slice(0, 3).map((it) => it.node?.selector).join(' | ')}`);
      if (score < 100) failures++;
      console.log(`${score === 100 ? 'ok  ' : 'FAIL'} ${String(score).padStart(3)} ${kind} (${screen}, ${scheme}) ${url}${detail.length ? '\n       ' + detail.join('\n       ') : ''}`);
    }
  }
  await browser.close();
}
for (const s of servers) s.close();

const kinds = [...new Set(pages.map((p) => p.kind))];
const columns = ['desktop light', 'desktop dark', 'phone light', 'phone dark'];
console.log(`\n| page kind | ${columns.join(' | ')} |\n|---|${columns.map(() => '---').join('|')}|`);
for (const kind of kinds) {
  console.log(`| ${kind} | ${columns.map((c) => { const [screen, scheme] = c.split(' '); return scores.get(`${kind} ${screen} ${scheme}`); }).join(' | ')} |`);
}
console.log(`\nlighthouse ${JSON.parse(readFileSync(new URL('./node_modules/lighthouse/package.json', import.meta.url))).version}, ${scores.size} runs, ${failures} under 100`);
process.exit(failures ? 1 : 0);
