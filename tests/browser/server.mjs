// Tiny static server for a built site mounted under a sub-path (like GitHub Pages project
// sites). Counts the bytes it sends so tests and benchmarks can measure what a query fetches.
import http from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { join, normalize, extname } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.txt': 'text/plain; charset=utf-8', '.bin': 'application/octet-stream', '.xml': 'application/xml' };

export function serve(dist, basePath, port) {
  const log = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let rel = decodeURIComponent(url.pathname);
    if (!rel.startsWith(basePath)) { res.writeHead(404); res.end('outside base path'); return; }
    rel = normalize(rel.slice(basePath.length)).replace(/^(\.\.[/\\])+/, '');
    let file = join(dist, rel);
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      const body = readFileSync(file);
      log.push({ path: url.pathname, bytes: body.length, gzip: gzipSync(body, { level: 6 }).length });
      res.writeHead(200, { 'content-type': TYPES[extname(file)] || 'application/octet-stream', 'cache-control': 'no-cache' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ server, log, origin: `http://127.0.0.1:${server.address().port}` })));
}

/** Headless Debian Chromium (or $CHROMIUM), with the flags this machine's closed network needs:
 * without the background-networking ones, Chromium's own connections are refused at start. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}
