// Loads themes/default/static/search.js into a sandbox (no DOM) and returns its API, so the
// Node tests exercise the exact file the site ships.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

export const root = fileURLToPath(new URL('../../', import.meta.url));

export function loadClient() {
  const code = readFileSync(root + 'themes/default/static/search.js', 'utf8');
  const sandbox = { console };
  sandbox.globalThis = sandbox;
  vm.runInNewContext(code, sandbox, { filename: 'search.js' });
  return sandbox.GazetteSearch;
}
