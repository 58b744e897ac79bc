/* gazette client-side search. Plain ES2017, no dependencies, no external requests.
 *
 * Reads the sharded index written by src/search (see its module docs): meta.json, one
 * dictionary shard per query word, the posting blocks of the matching terms, then the
 * document files of the visible page only. The tokeniser below (fold, split, stop words,
 * French Snowball stemmer) mirrors src/search/tokenize.rs; tests/browser/tokenize.test.mjs
 * checks both against the same fixture. Seed text is only ever inserted with textContent. */
(function () {
  'use strict';

  // ---- Tokeniser (must match src/text.rs fold() and src/search/tokenize.rs) ----
  var MARK = /\p{M}/u;
  var WORD = /[\p{Alphabetic}\p{N}]+/gu;
  var SPECIAL = { 'œ': 'oe', 'Œ': 'oe', 'æ': 'ae', 'Æ': 'ae', 'ß': 'ss', '’': "'", '‘': "'", 'ʼ': "'", '`': "'", '´': "'" };
  // Text with nothing to fold but capitals (ASCII without the backquote) is lowercased at once.
  var PLAIN = /^[\x00-\x5f\x61-\x7f]*$/;
  function fold(text) {
    if (PLAIN.test(text)) return text.toLowerCase();
    var out = '';
    for (var c of text.normalize('NFD')) {
      if (MARK.test(c)) continue;
      out += SPECIAL[c] !== undefined ? SPECIAL[c] : c.toLowerCase();
    }
    return out;
  }
  function words(folded) { return folded.match(WORD) || []; }
  var STOP = new Set(('a ai aie aient aies ait an and are as at au aux avaient avais avait avec avez avons ayant be been but by ' +
    'c ce ceci cela ces cet cette d dans de des du elle elles en es est et etaient etais etait etant ete etes etre eu eux for from ' +
    'had has have he her his i if il ils in into is it its j je jusqu l la le les leur leurs lorsqu lui m ma mais me mes moi mon n ne ' +
    'nos notre nous of on ont or ou par pas pour puisqu qu que quel quelle qui s sa sans se ses she son sont sur t ta te tes that the ' +
    'their them they this to toi ton tu un une vos votre vous was we were which with y you').split(' '));
  var MAX_TOKEN_CHARS = 40;

  // French Snowball stemmer, the version of rust-stemmers 1.2, on folded (accentless) words.
  var isV = function (c) { return c !== undefined && 'aeiouy'.indexOf(c) >= 0; };
  var A4 = { iqUe: 1, atrice: 2, ance: 1, ence: 5, logie: 3, able: 1, isme: 1, euse: 11, iste: 1, ive: 8, 'if': 8, usion: 4,
    ation: 2, ution: 4, ateur: 2, iqUes: 1, atrices: 2, ances: 1, ences: 5, logies: 3, ables: 1, ismes: 1, euses: 11, istes: 1,
    ives: 8, ifs: 8, usions: 4, ations: 2, utions: 4, ateurs: 2, ments: 15, ements: 6, issements: 12, ment: 15, ement: 6,
    issement: 12, amment: 13, emment: 14, aux: 10, eaux: 9, eux: 1 };
  var A2 = { iqU: 3, abl: 3, eus: 2, iv: 1 };
  var A5 = 'ira ie isse issante i irai ir iras ies isses issantes is irais issais irions issions irons issons issants it irait issait issant iraIent issaIent irent issent iront iriez issiez irez issez'.split(' ');
  var A6 = { a: 3, era: 2, asse: 3, ante: 3, ai: 3, erai: 2, er: 2, as: 3, eras: 2, asses: 3, antes: 3, ais: 3, erais: 2, ions: 1,
    erions: 2, assions: 3, erons: 2, ants: 3, ait: 3, erait: 2, ant: 3, aIent: 3, eraIent: 2, assent: 3, eront: 2, ez: 2, iez: 2,
    eriez: 2, assiez: 3, erez: 2 };
  var A7 = { e: 3, ion: 1, Ier: 2, ier: 2 };
  var K_A4 = Object.keys(A4), K_A2 = Object.keys(A2), K_A6 = Object.keys(A6), K_A7 = Object.keys(A7);
  function stemFr(word) {
    var w = Array.from(word), c = 0, L, i;
    while (c < w.length) { // prelude: mark u/i between vowels, y next to a vowel, u after q
      if (isV(w[c]) && ((w[c + 1] === 'u' && isV(w[c + 2]) && (w[c + 1] = 'U')) ||
        (w[c + 1] === 'i' && isV(w[c + 2]) && (w[c + 1] = 'I')) || (w[c + 1] === 'y' && (w[c + 1] = 'Y')))) continue;
      if (w[c] === 'y' && isV(w[c + 1])) { w[c] = 'Y'; continue; }
      if (w[c] === 'q' && w[c + 1] === 'u') { w[c + 1] = 'U'; continue; }
      c++;
    }
    L = w.length;
    var pV = L, p1 = L, p2 = L;
    if (L >= 3 && isV(w[0]) && isV(w[1])) pV = 3;
    else if (/^(par|col|tap)/.test(w.slice(0, 3).join(''))) pV = 3;
    else for (i = 1; i < L; i++) if (isV(w[i])) { pV = i + 1; break; }
    i = 0;
    while (i < L && !isV(w[i])) i++;
    while (i < L && isV(w[i])) i++;
    if (i < L) {
      p1 = i + 1; i = p1;
      while (i < L && !isV(w[i])) i++;
      while (i < L && isV(w[i])) i++;
      if (i < L) p2 = i + 1;
    }
    var s = w;
    // Compared char by char from the end: no slice or join per suffix tried (the hot spot of
    // highlighting and of the typo offer, which stem every word of the results shown).
    var ends = function (x) {
      var n = x.length, L = s.length;
      if (L < n) return false;
      for (var k = 1; k <= n; k++) if (s[L - k] !== x[n - k]) return false;
      return true;
    };
    var longest = function (list, min) {
      var best = null;
      for (var x of list) if (ends(x) && s.length - x.length >= min && (!best || x.length > best.length)) best = x;
      return best;
    };
    var cut = function (n) { s = s.slice(0, s.length - n); };
    var put = function (n, x) { s = s.slice(0, s.length - n).concat(Array.from(x)); };
    function standard() {
      var m = longest(K_A4, 0);
      if (!m) return false;
      var st = s.length - m.length, n = m.length;
      switch (A4[m]) {
        case 1: if (st < p2) return false; cut(n); break;
        case 2:
          if (st < p2) return false; cut(n);
          if (ends('ic')) { if (s.length - 2 >= p2) cut(2); else put(2, 'iqU'); }
          break;
        case 3: if (st < p2) return false; put(n, 'log'); break;
        case 4: if (st < p2) return false; put(n, 'u'); break;
        case 5: if (st < p2) return false; put(n, 'ent'); break;
        case 6: {
          if (st < pV) return false; cut(n);
          var m2 = longest(K_A2, 0);
          if (m2) {
            var st2 = s.length - m2.length;
            if (A2[m2] === 1) { if (st2 >= p2) { cut(2); if (ends('at') && s.length - 2 >= p2) cut(2); } }
            else if (A2[m2] === 2) { if (st2 >= p2) cut(3); else if (st2 >= p1) put(3, 'eux'); }
            else if (st2 >= p2) cut(3);
          }
          break;
        }
        case 8:
          if (st < p2) return false; cut(n);
          if (ends('at') && s.length - 2 >= p2) {
            cut(2);
            if (ends('ic')) { if (s.length - 2 >= p2) cut(2); else put(2, 'iqU'); }
          }
          break;
        case 9: put(n, 'eau'); break;
        case 10: if (st < p1) return false; put(n, 'al'); break;
        case 11: if (st >= p2) cut(n); else if (st >= p1) put(n, 'eux'); else return false; break;
        case 12: if (st < p1 || st < 1 || isV(s[st - 1])) return false; cut(n); break;
        case 13: if (st >= pV) put(n, 'ant'); return false;
        case 14: if (st >= pV) put(n, 'ent'); return false;
        case 15: if (st >= 1 && isV(s[st - 1]) && st - 1 >= pV) cut(n); return false;
      }
      return true;
    }
    function iVerb() {
      if (s.length < pV) return false;
      var m = longest(A5, pV);
      if (!m) return false;
      var st = s.length - m.length;
      if (st - 1 < pV || isV(s[st - 1])) return false;
      cut(m.length);
      return true;
    }
    function verb() {
      if (s.length < pV) return false;
      var m = longest(K_A6, pV);
      if (!m) return false;
      var st = s.length - m.length;
      if (A6[m] === 1) { if (st < p2) return false; cut(m.length); }
      else if (A6[m] === 2) cut(m.length);
      else { cut(m.length); if (ends('e') && s.length - 1 >= pV) cut(1); }
      return true;
    }
    function residual() {
      if (ends('s') && s.length >= 2 && 'aiouès'.indexOf(s[s.length - 2]) < 0) cut(1);
      if (s.length < pV) return false;
      var m = longest(K_A7, pV);
      if (!m) return false;
      var st = s.length - m.length;
      if (A7[m] === 1) {
        if (st < p2 || st - 1 < pV || (s[st - 1] !== 's' && s[st - 1] !== 't')) return false;
        cut(3);
      } else if (A7[m] === 2) put(3, 'i');
      else cut(1);
      return true;
    }
    if (standard() || iVerb() || verb()) { if (s[s.length - 1] === 'Y') put(1, 'i'); }
    else residual();
    if (['enn', 'onn', 'ett', 'ell', 'eill'].some(ends)) cut(1);
    return s.join('').replace(/[IUY]/g, function (x) { return x.toLowerCase(); });
  }

  // The term of a folded word: null for stop words and over-long tokens. French stems are
  // remembered (up to STEM_MEMO words, then forgotten at once): the words of the results shown
  // are stemmed again for every highlight and typo offer.
  var STEM_MEMO = 20000, stems = new Map();
  function term(folded, lang) {
    if (STOP.has(folded) || Array.from(folded).length > MAX_TOKEN_CHARS) return null;
    if (lang !== 'fr') return folded;
    var t = stems.get(folded);
    if (t === undefined) {
      if (stems.size >= STEM_MEMO) stems.clear();
      t = stemFr(folded) || folded;
      stems.set(folded, t);
    }
    return t;
  }
  function terms(text, lang) {
    return words(fold(text)).map(function (w) { return term(w, lang || 'fr'); }).filter(function (t) { return t !== null; });
  }

  // ---- Index reading ----
  var FORMAT_VERSION = 4; // src/search/mod.rs FORMAT_VERSION
  var SEGMENTS = 3; // excerpt segments; a posting hint below this names the one holding the match
  // Shard keys of meta.json: `0co 2b 2c|de` → co cob coc cod coe (see front_code in src/search).
  function decodeKeys(text) {
    var keys = [], prev = [];
    if (!text) return keys;
    text.split(' ').forEach(function (token) {
      var run = token.split('|'), head = Array.from(run[0]);
      prev = prev.slice(0, parseInt(head[0], 36)).concat(head.slice(1));
      keys.push(prev.join(''));
      if (run.length > 1) Array.from(run[1]).forEach(function (c) { prev[prev.length - 1] = c; keys.push(prev.join('')); });
    });
    return keys;
  }
  function fileName(key) {
    var out = '';
    for (var c of key) out += /[a-z0-9]/.test(c) ? c : '_' + c.codePointAt(0).toString(16) + '_';
    return out;
  }
  function decodePostings(bytes, n, withPayload) {
    var pos = 0;
    function varint() {
      var v = 0, shift = 0, b;
      do { b = bytes[pos++]; v += (b & 0x7f) * Math.pow(2, shift); shift += 7; } while (b & 0x80);
      return v;
    }
    var head = varint(), count = Math.floor(head / 2), ids = new Uint32Array(count), k = 0;
    if (head % 2) {
      var len = Math.ceil(n / 8);
      for (var i = 0; i < len; i++) {
        var b = bytes[pos + i];
        if (b) for (var bit = 0; bit < 8; bit++) if (b & (1 << bit)) ids[k++] = i * 8 + bit;
      }
      pos += len;
    } else {
      var prev = -1;
      for (var j = 0; j < count; j++) { prev = prev + 1 + varint(); ids[j] = prev; }
    }
    return { ids: ids, pay: withPayload ? bytes.subarray(pos, pos + count) : null };
  }
  // Optimal string alignment distance (a transposition counts as one edit), capped at max+1.
  function distance(a, b, max) {
    a = Array.from(a); b = Array.from(b);
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var prev2 = null, prev = [], cur, i, j;
    for (j = 0; j <= b.length; j++) prev[j] = j;
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      var rowMin = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
        cur[j] = v;
        if (v < rowMin) rowMin = v;
      }
      if (rowMin > max) return max + 1;
      prev2 = prev; prev = cur;
    }
    return prev[b.length];
  }

  var W_EXACT = 1, W_STEMLIKE = 0.8, W_FAMILY = 0.7, W_PREFIX = 0.7, W_TYPO1 = 0.55, W_TYPO2 = 0.4;
  // Results rank first by how many query words they match fully (exactly or by the same stem),
  // then by BM25F: a full match is worth more than any score a document can add up.
  var FULL_MATCH = 1e6, WORD_MATCHED = 1e4;

  /* Word families (README, "Search"): two stems are of one family when the longer is the
   * shorter (at least FAMILY_MIN_STEM chars) plus a derivational suffix of FAMILY_SUFFIXES, its
   * last consonant possibly doubled: espion / espionnag, pirat / piratag, israel / israelien.
   * Both are French Snowball stems, so `-age`, `-ien(ne)`, `-ain(e)`, `-eur` come as `ag`, `ien`,
   * `ain`, `eur`. The same rule is in src/search/tokenize.rs (is_family), checked against
   * tests/browser/fixtures/families.tsv by both sides. */
  var FAMILY_SUFFIXES = ['ag', 'ain', 'ien', 'eur'], FAMILY_MIN_STEM = 4;
  function isFamily(a, b) {
    var short = a.length <= b.length ? a : b, long = a.length <= b.length ? b : a;
    if (Array.from(short).length < FAMILY_MIN_STEM || !long.startsWith(short)) return false;
    var rest = long.slice(short.length), last = short[short.length - 1];
    if (rest[0] === last && !isV(last)) rest = rest.slice(1);
    return FAMILY_SUFFIXES.indexOf(rest) >= 0;
  }
  /* Whether an indexed stem shorter than the query word is the query word's own stem in another
   * language (the client stems in French only): `running` / `run`, `attacks` / `attack`, not
   * `armee` / `arm` nor `israel` / `isra`. The rest of the word must be an English inflection. */
  var INFLECTION = /^(s|es|ed|ing|er|ers|est|ly|e|y|d)$/;
  // Other shorter stems count (below full matches) only when at most this many chars are left.
  var FOREIGN_MAX_REST = 2;
  function isInflectionOf(raw, stem) {
    if (!raw.startsWith(stem)) return false;
    var rest = raw.slice(stem.length), last = stem[stem.length - 1];
    if (rest[0] === last && !isV(last)) rest = rest.slice(1);
    return INFLECTION.test(rest);
  }
  var PREFIX_MAX_TERMS = 12, PREFIX_MAX_BYTES = 16384, FAMILY_MAX_BYTES = 16384, TYPO_MAX_TERMS = 6, PHRASE_MAX_CHECKS = 100,
    PHRASE_MAX_PAGES = 20, PAGE_MEMO = 40;

  /* load(path, kind): Promise of parsed JSON ('json'), text ('text') or Uint8Array ('bytes');
   * path is relative to the site root (`search/meta.json`). */
  function Engine(load) {
    this.load = load;
    this.cache = new Map();
    this.meta = null;
    this.phrasePages = PHRASE_MAX_PAGES;
    // Whether ties may be broken on the tied results' document files (see `breakTies`).
    this.tieCards = true;
    this.pages = new Map();
    this.pageMemo = PAGE_MEMO;
  }
  Engine.prototype.get = function (path, kind) {
    var self = this;
    var url = self.meta ? path + '?v=' + self.meta.h : path;
    if (!self.cache.has(url)) {
      var p = self.load(url, kind).catch(function (e) { self.cache.delete(url); throw e; });
      self.cache.set(url, p);
    }
    return self.cache.get(url);
  };
  Engine.prototype.init = function () {
    var self = this;
    if (!self.ready) {
      self.ready = self.load('search/meta.json', 'json').then(function (m) {
        self.meta = m;
        if (m.v !== FORMAT_VERSION) throw new Error('index format ' + m.v + ', expected ' + FORMAT_VERSION);
        self.keys = decodeKeys(m.keys || '');
        self.keySet = new Set(self.keys);
        self.otherLangs = Object.keys(m.langs || {}).some(function (l) { return l !== 'fr'; });
        return m;
      });
    }
    return self.ready;
  };
  Engine.prototype.keyFor = function (word) {
    var chars = Array.from(word);
    for (var n = Math.min(chars.length, 4); n >= 1; n--) {
      var k = chars.slice(0, n).join('');
      if (this.keySet.has(k)) return k;
    }
    return null;
  };
  Engine.prototype.shard = function (key) {
    return this.get('search/t/' + fileName(key) + '.txt', 'text').then(function (text) {
      var out = [], block = 0, off = 0, prev = '';
      for (var line of text.split('\n')) {
        if (!line) { if (off) { block++; off = 0; } continue; }
        var parts = line.split(' ');
        var t = Array.from(prev).slice(0, parseInt(parts[0][0], 36)).join('') + parts[0].slice(1);
        var len = parseInt(parts[2], 36);
        out.push({ t: t, df: parseInt(parts[1], 36), key: key, block: block, off: off, len: len });
        off += len; prev = t;
      }
      return out;
    });
  };
  Engine.prototype.postings = function (e) {
    var n = this.meta.n;
    return this.get('search/p/' + fileName(e.key) + '.' + e.block + '.bin', 'bytes').then(function (bytes) {
      return decodePostings(bytes.subarray(e.off, e.off + e.len), n, true);
    });
  };
  Engine.prototype.filterSet = function (kind, slug) {
    return this.get('search/f/' + kind + '/' + fileName(slug) + '.bin', 'bytes').then(
      function (bytes) { return new Set(decodePostings(bytes, 0, false).ids); },
      function () { return new Set(); });
  };
  // The date rank of each document, by id (ids follow the order seeds arrived in): ranks run
  // oldest first, dated documents from n - nd up, undated ones below.
  Engine.prototype.ranks = function () {
    var self = this, n = self.meta.n, w = self.meta.ow || 4;
    if (!self.rankList) {
      self.rankList = self.get('search/o.bin', 'bytes').then(function (bytes) {
        var ranks = new Uint32Array(n);
        for (var i = 0, pos = 0; i < n; i++, pos += w) {
          var r = 0;
          for (var b = w - 1; b >= 0; b--) r = r * 256 + bytes[pos + b];
          ranks[i] = r;
        }
        return ranks;
      }, function (e) { self.rankList = null; throw e; });
    }
    return self.rankList;
  };
  Engine.prototype.facets = function () { return this.get('search/f/facets.json', 'json'); };
  Engine.prototype.doc = function (id) { return this.get('search/d/' + id + '.json', 'json'); };
  // The display fields of a document and its excerpt segments 1, 2 (as `y`), for a match
  // beyond the first segment: one fetch per result either way.
  Engine.prototype.rest = function (id) { return this.get('search/d/' + id + '.1.json', 'json'); };
  // The text of an article's published page (route without base path): what a phrase beyond
  // the stored excerpt is checked on, fetched only for phrase queries.
  // Their texts are kept for the last PAGE_MEMO pages only (`pageMemo`), least recently used
  // out first: a session of phrase queries would otherwise hold every page it ever checked.
  Engine.prototype.pageText = function (route) {
    var self = this, url = self.meta ? route + '?v=' + self.meta.h : route, text = self.pages.get(url);
    if (text) { self.pages.delete(url); }
    else text = self.load(url, 'text').then(articleText, function () { self.pages.delete(url); return ''; });
    self.pages.set(url, text);
    if (self.pages.size > self.pageMemo) self.pages.delete(self.pages.keys().next().value);
    return text;
  };

  // Splits a query into words and quoted phrases; the last bare word is a prefix (as you type).
  function parseQuery(q) {
    var parts = q.replace(/[“”«»„]/g, '"').split('"');
    var list = [], phrases = [], seen = new Map();
    var open = /[\p{Alphabetic}\p{N}]$/u.test(q), lastBare = null, typed = 0;
    parts.forEach(function (part, i) {
      var inPhrase = i % 2 === 1, ws = words(fold(part));
      typed += ws.length;
      if (inPhrase && ws.length > 1) phrases.push(ws.map(function (w) { return STOP.has(w) ? w : term(w, 'fr'); }));
      ws.forEach(function (w, j) {
        var t = term(w, 'fr');
        if (t === null) return;
        var q0 = seen.get(w);
        if (!q0) { q0 = { raw: w, stem: t, prefix: false }; seen.set(w, q0); list.push(q0); }
        if (!inPhrase && i === parts.length - 1 && j === ws.length - 1) lastBare = q0;
      });
    });
    if (open && lastBare) lastBare.prefix = true;
    // Words were typed but every one is too common to be indexed: the page says so.
    return { words: list, phrases: phrases, stopOnly: typed > 0 && !list.length };
  }

  // Index terms a query word stands for, with weights.
  Engine.prototype.expand = function (qw) {
    var self = this;
    var keys = new Set();
    [qw.raw, qw.stem].forEach(function (w) { var k = self.keyFor(w); if (k) keys.add(k); });
    if (qw.prefix && Array.from(qw.raw).length >= 2) {
      var deeper = self.keys.filter(function (k) { return k.length > qw.raw.length ? k.startsWith(qw.raw) : false; });
      if (deeper.length <= 4) deeper.forEach(function (k) { keys.add(k); });
    }
    return Promise.all(Array.from(keys).map(function (k) { return self.shard(k); })).then(function (shards) {
      var entries = [].concat.apply([], shards), chosen = new Map();
      var add = function (e, w, kind) { var c = chosen.get(e.t); if (!c || c.w < w) chosen.set(e.t, { e: e, w: w, kind: kind }); };
      var rawLen = Array.from(qw.raw).length;
      var family = [];
      entries.forEach(function (e) {
        var tLen = Array.from(e.t).length;
        if (e.t === qw.stem || e.t === qw.raw) add(e, W_EXACT, 'exact');
        else if (self.otherLangs && qw.raw.startsWith(e.t) && tLen >= Math.max(3, rawLen - 4) &&
          (isInflectionOf(qw.raw, e.t) || tLen >= rawLen - FOREIGN_MAX_REST)) {
          // A shorter stem the word starts with: a full match only if the rest is an inflection;
          // otherwise (a foreign stem: `arm` for `armee`) weighted by how much of the word it is.
          if (isInflectionOf(qw.raw, e.t)) add(e, W_STEMLIKE, 'stem');
          else add(e, W_STEMLIKE * tLen / rawLen, 'foreign');
        } else if (isFamily(qw.stem, e.t)) family.push(e);
      });
      // Family terms, shortest posting lists first, within a byte budget (the first always).
      var familyBudget = FAMILY_MAX_BYTES;
      family.sort(function (a, b) { return a.len - b.len || (a.t < b.t ? -1 : 1); }).forEach(function (e, i) {
        if (i === 0 || e.len <= familyBudget) { familyBudget -= e.len; add(e, W_FAMILY, 'family'); }
      });
      var hasExact = chosen.size > 0;
      if (qw.prefix) {
        var budget = PREFIX_MAX_BYTES;
        entries.filter(function (e) { return e.t.startsWith(qw.raw) && !chosen.has(e.t); })
          .sort(function (a, b) { return a.t.length - b.t.length || b.df - a.df || (a.t < b.t ? -1 : 1); })
          .slice(0, PREFIX_MAX_TERMS)
          .forEach(function (e, i) { // the first completion always counts when nothing matched exactly
            // weighted by the share of the indexed word the query covers: `mobil` is most of `mobile`
            if ((i === 0 && !hasExact) || e.len <= budget) { budget -= e.len; add(e, W_PREFIX * rawLen / Array.from(e.t).length, 'prefix'); }
          });
      }
      if (!hasExact && rawLen >= 5 && !qw.noTypo) {
        var max = rawLen >= 8 ? 2 : 1, typos = [];
        entries.forEach(function (e) {
          if (chosen.has(e.t)) return;
          var d = Math.min(distance(qw.raw, e.t, max), distance(qw.stem, e.t, max));
          if (d <= max) typos.push({ e: e, d: d });
        });
        typos.sort(function (a, b) { return a.d - b.d || b.e.df - a.e.df || (a.e.t < b.e.t ? -1 : 1); })
          .slice(0, TYPO_MAX_TERMS)
          .forEach(function (x) { add(x.e, x.d === 1 ? W_TYPO1 : W_TYPO2, 'typo'); });
        // Only corrections stand for the word: the page says which (see `correctedQuery`).
        if (chosen.size && Array.from(chosen.values()).every(function (c) { return c.kind === 'typo'; })) qw.fixed = typos[0].e.t;
      }
      return Array.from(chosen.values());
    });
  };

  // Words of a text in order, as phrase keys (stop words kept as folded words).
  function phraseKeys(text) { return words(fold(text)).map(function (w) { return STOP.has(w) ? w : term(w, 'fr'); }); }
  function containsPhrase(keys, phrase) {
    outer: for (var i = 0; i + phrase.length <= keys.length; i++) {
      for (var j = 0; j < phrase.length; j++) if (keys[i + j] !== phrase[j]) continue outer;
      return true;
    }
    return false;
  }

  /* Runs a query. opts: {filters: {<facet key>: slug}, tag, source (the same for keys t and s),
   * sort: ''|'date'|'old', page (1-based), rpp, noTypo}.
   * Resolves to {total, exact, page, pages, hits: [{id, doc, text, terms, score, copies}], partial, corrected} */
  Engine.prototype.search = function (q, opts) {
    var self = this;
    opts = opts || {};
    return self.init().then(function (meta) {
      var parsed = parseQuery(q || '');
      parsed.words.forEach(function (w) { w.noTypo = !!opts.noTypo; });
      var filters = [];
      var chosen = Object.assign({}, opts.filters);
      if (opts.tag) chosen.t = opts.tag;
      if (opts.source) chosen.s = opts.source;
      Object.keys(chosen).sort().forEach(function (k) { if (chosen[k]) filters.push(self.filterSet(k, chosen[k])); });
      if (!parsed.words.length && !filters.length) return { total: 0, exact: true, page: 1, pages: 0, hits: [], empty: true, stopOnly: parsed.stopOnly };
      return Promise.all([Promise.all(parsed.words.map(function (w) { return self.expand(w); })), Promise.all(filters)])
        .then(function (r) {
          var allEntries = [].concat.apply([], r[0]);
          return Promise.all(allEntries.map(function (c) { return self.postings(c.e); })).then(function (lists) {
            var m = matchAll(r[0], lists, meta.n, r[1], !parsed.phrases.length);
            var matchedTerms = new Set(allEntries.map(function (c) { return c.e.t; }));
            return self.rankAndShow(q, parsed, m, matchedTerms, opts);
          });
        });
    });
  };

  // The best posting of each document among one query word's expansions (`lists`, their posting
  // lists): its score (0 when absent), excerpt hint and whether it is a full match, in arrays by
  // document id, and the documents in the order found. No object is made per document.
  function wordScores(exp, lists, n) {
    var score = new Float64Array(n), hint = new Uint8Array(n), full = new Uint8Array(n), docs = new Uint32Array(n), count = 0;
    exp.forEach(function (c, k) {
      var pl = lists[k], df = c.e.df, isFull = c.kind === 'exact' || c.kind === 'stem';
      var idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      for (var i = 0; i < pl.ids.length; i++) {
        var d = pl.ids[i], p = pl.pay[i], sc = idf * (p >> 2) / 63 * c.w;
        if (!score[d]) { docs[count++] = d; score[d] = sc; hint[d] = p & 3; }
        else if (sc > score[d]) { score[d] = sc; hint[d] = p & 3; }
        if (isFull) full[d] = 1;
      }
    });
    return { score: score, hint: hint, full: full, docs: docs.subarray(0, count) };
  }

  // The documents with every query word (or, when none has them all and `partial` is allowed,
  // with any) and every filter (`sets`). Scores add a FULL_MATCH per word matched fully, so
  // full matches rank first, then BM25F. Returns {ids, score, hint (by document id), partial}.
  function matchAll(expansions, lists, n, sets, partial) {
    var k = 0, perWord = expansions.map(function (exp) {
      var own = lists.slice(k, k + exp.length);
      k += exp.length;
      return wordScores(exp, own, n);
    });
    var score = new Float64Array(n), hint = new Uint8Array(n), ids = [], d, i, j;
    if (!perWord.length) sets[0].forEach(function (x) { ids.push(x); });
    else {
      var smallest = perWord.reduce(function (a, b) { return a.docs.length <= b.docs.length ? a : b; });
      outer: for (i = 0; i < smallest.docs.length; i++) {
        d = smallest.docs[i];
        var s = 0, h = 3;
        for (j = 0; j < perWord.length; j++) {
          var w = perWord[j], v = w.score[d];
          if (!v) continue outer;
          s += v + (w.full[d] ? FULL_MATCH : 0);
          if (w.hint[d] < h) h = w.hint[d];
        }
        score[d] = s; hint[d] = h; ids.push(d);
      }
    }
    partial = partial && !ids.length && perWord.length > 1;
    if (partial) { // nothing has every word: any word
      hint.fill(3);
      perWord.forEach(function (w) {
        for (var x = 0; x < w.docs.length; x++) {
          var e = w.docs[x];
          if (!score[e]) ids.push(e);
          score[e] += w.score[e] + WORD_MATCHED + (w.full[e] ? FULL_MATCH : 0);
          if (w.hint[e] < hint[e]) hint[e] = w.hint[e];
        }
      });
    }
    if (sets.length) ids = ids.filter(function (x) { return sets.every(function (set) { return set.has(x); }); });
    return { ids: ids, score: score, hint: hint, partial: partial };
  }

  // Orders the results (the best only, unless phrases or a date sort need them all), verifies
  // phrases and fetches the documents of the page asked for.
  Engine.prototype.rankAndShow = function (q, parsed, m, matchedTerms, opts) {
    var self = this, meta = self.meta;
    var rpp = opts.rpp || meta.rpp || 20, page = Math.max(1, opts.page || 1), want = page * rpp;
    var sort = opts.sort || (parsed.words.length ? '' : 'date');
    var ordered = sort || parsed.phrases.length ? self.orderAll(m, sort) : self.orderTop(m, want, page, rpp);
    return ordered.then(function (o) {
      var verify = parsed.phrases.length ? self.verifyPhrases(o.ids, parsed.phrases, m.hint, want + 1) : Promise.resolve(null);
      return verify.then(function (v) {
        var list = v ? v.ids : o.ids, total = v ? v.ids.length : o.total, exact = v ? v.exact : true;
        return self.hits(list.slice((page - 1) * rpp, want), m, o.copies).then(function (hits) {
          hits.forEach(function (h) { h.terms = matchedTerms; });
          return { total: total, exact: exact, page: page, pages: Math.ceil(total / rpp), hits: hits, partial: m.partial && total > 0,
            corrected: total ? correctedQuery(q, parsed.words, hits, self.otherLangs) : null };
        });
      });
    });
  };

  // Every result in order, copies collapsed (for phrases to verify in rank order, and for the
  // date sorts): equal scores newest first, which takes the date ranks (`o.bin`) when two tie.
  Engine.prototype.orderAll = function (m, sort) {
    var self = this, meta = self.meta, n = meta.n, ids = m.ids.slice(), score = m.score;
    var byScore = function (a, b) { return score[b] - score[a]; };
    var needRanks = sort === 'date' || sort === 'old';
    if (!needRanks) {
      ids.sort(function (a, b) { return byScore(a, b) || b - a; });
      for (var i = 1; i < ids.length && !needRanks; i++) needRanks = score[ids[i - 1]] === score[ids[i]];
    }
    return (needRanks ? self.ranks() : Promise.resolve(null)).then(function (rank) {
      // Ranks run oldest first: dated documents from u = n - nd up, undated ones below u.
      var u = n - (meta.nd === undefined ? n : meta.nd);
      if (sort === 'date') ids.sort(function (a, b) { return rank[b] - rank[a]; });
      else if (sort === 'old') ids.sort(function (a, b) { var x = rank[a], y = rank[b]; return (x >= u) !== (y >= u) ? (x >= u ? -1 : 1) : x >= u ? x - y : y - x; });
      else if (rank) ids.sort(function (a, b) { return byScore(a, b) || rank[b] - rank[a]; });
      // Copies are collapsed first, so that phrase checks and pages count stories.
      var g = collapseCopies(ids, meta.c);
      return { ids: g.ids, total: g.ids.length, copies: function (d) { return g.copies.get(d) || []; } };
    });
  };

  // The results whose score is at least the k-th best, by score, then id: every result that can
  // be among the first k once ties are broken, without sorting the thousands that cannot be.
  function topByScore(ids, score, k) {
    var top = ids;
    if (k < ids.length) {
      var vals = new Float64Array(ids.length);
      for (var i = 0; i < ids.length; i++) vals[i] = score[ids[i]];
      vals.sort();
      var floor = vals[ids.length - k];
      top = ids.filter(function (d) { return score[d] >= floor; });
    } else top = ids.slice();
    return top.sort(function (a, b) { return score[b] - score[a] || b - a; });
  }

  // The first `want` stories by score, equal scores newest first, copies collapsed (the default
  // order): only the results that can reach these places are sorted, more taken while copies
  // leave places empty. The story count is read off the copy groups, not off an ordering.
  Engine.prototype.orderTop = function (m, want, page, rpp) {
    var self = this, groups = self.meta.c || [], groupOf = new Map(), inResults = new Uint8Array(self.meta.n);
    m.ids.forEach(function (d) { inResults[d] = 1; });
    var total = m.ids.length;
    groups.forEach(function (g, k) {
      var present = 0;
      g.forEach(function (d) { groupOf.set(d, k); present += inResults[d]; });
      if (present > 1) total -= present - 1;
    });
    var copies = function (d) {
      var k = groupOf.get(d);
      return k === undefined ? [] : groups[k].filter(function (c) { return c !== d && inResults[c]; })
        .sort(function (a, b) { return m.score[b] - m.score[a] || a - b; });
    };
    function attempt(k) {
      return self.breakTies(topByScore(m.ids, m.score, k), m, k, (page - 1) * rpp).then(function (top) {
        var stories = [], seen = new Set();
        top.forEach(function (d) {
          var g = groupOf.get(d);
          if (g !== undefined) { if (seen.has(g)) return; seen.add(g); }
          stories.push(d);
        });
        if (stories.length < want && top.length < m.ids.length) return attempt(top.length + want - stories.length);
        return { ids: stories, total: total, copies: copies };
      });
    }
    return attempt(Math.min(want, m.ids.length));
  };

  // Estimated bytes of a document file, against which the date ranks (`o.bin`, n × ow bytes)
  // are weighed when results tie.
  var CARD_BYTES = 1024;
  // Orders `top` (by score) with equal scores newest first. The date of a result is on its
  // document file, which is fetched anyway for the results shown: ties are broken on those
  // files when the ones of tied results not shown (before `first` or from `k` on) cost less
  // than the date rank of every document (`o.bin`), and on the ranks otherwise. Both give the
  // site's order: newest first, undated last, then by id (seed order).
  Engine.prototype.breakTies = function (top, m, k, first) {
    var self = this, score = m.score, tied = [], extra = 0, i = 0;
    while (i < top.length) {
      var j = i + 1;
      while (j < top.length && score[top[j]] === score[top[i]]) j++;
      for (var x = i; j - i > 1 && x < j; x++) { tied.push(top[x]); if (x < first || x >= k) extra++; }
      i = j;
    }
    if (!tied.length) return Promise.resolve(top);
    if (!self.tieCards || extra * CARD_BYTES > self.meta.n * (self.meta.ow || 4)) {
      return self.ranks().then(function (rank) {
        return top.sort(function (a, b) { return score[b] - score[a] || rank[b] - rank[a]; });
      });
    }
    return Promise.all(tied.map(function (d) { return self.card(d, m.hint[d]); })).then(function (cards) {
      var date = new Map();
      tied.forEach(function (d, t) { date.set(d, cards[t].d || ''); });
      return top.sort(function (a, b) { return score[b] - score[a] || newer(date.get(a), date.get(b)) || a - b; });
    });
  };
  // Compares ISO dates newest first, an undated ('') last.
  function newer(x, y) { return x === y ? 0 : !x ? 1 : !y ? -1 : x > y ? -1 : 1; }
  // The document file a result shows: `.1.json` when its hint puts the match beyond the first
  // excerpt segment. Both carry the card (title, date, source, tags).
  Engine.prototype.card = function (d, hint) { return hint > 0 && hint < SEGMENTS ? this.rest(d) : this.doc(d); };

  // The hits of the results `slice`: document, excerpt and the copies of its story (`copies(d)`,
  // by score; the ones shown are put newest first among equal scores once fetched).
  Engine.prototype.hits = function (slice, m, copies) {
    var self = this;
    return Promise.all(slice.map(function (d) {
      var hint = m.hint[d], all = copies(d);
      var hit = self.card(d, hint).then(function (doc) {
        return { id: d, doc: doc, text: (hint > 0 && hint < SEGMENTS ? doc.y[hint - 1] : doc.x) || '', score: m.score[d] };
      });
      var shown = Promise.all(all.slice(0, MAX_COPIES).map(function (c) {
        return self.doc(c).then(function (doc) { return { id: c, doc: doc }; });
      }));
      return Promise.all([hit, shown]).then(function (r) {
        r[0].copies = r[1].sort(function (a, b) { return m.score[b.id] - m.score[a.id] || newer(a.doc.d || '', b.doc.d || '') || a.id - b.id; });
        r[0].moreCopies = Math.max(0, all.length - MAX_COPIES);
        return r[0];
      });
    }));
  };
  // Copies of one story (meta.c, groups of document ids made at build time): the best-ranked
  // copy stands for its story in `ids`, and the others, in rank order, are listed under it.
  // Copies named under a result, at most (the others are counted).
  var MAX_COPIES = 8;
  function collapseCopies(ids, groups) {
    var copies = new Map();
    if (!groups || !groups.length) return { ids: ids, copies: copies };
    var groupOf = new Map(), firstOf = new Map(), out = [];
    groups.forEach(function (g, k) { g.forEach(function (d) { groupOf.set(d, k); }); });
    ids.forEach(function (d) {
      var k = groupOf.get(d);
      if (k === undefined) { out.push(d); return; }
      var first = firstOf.get(k);
      if (first === undefined) { firstOf.set(k, d); copies.set(d, []); out.push(d); }
      else copies.get(first).push(d);
    });
    return { ids: out, copies: copies };
  }
  // Keeps candidates whose text holds every phrase, in rank order, until `want` are found or
  // PHRASE_MAX_CHECKS documents were read (then the count is a lower bound): the index has no
  // word positions, so phrases cost document reads. The title and the stored excerpt are read
  // first; a phrase not in them is looked for in the article's published page, for at most
  // PHRASE_MAX_PAGES (`phrasePages`) candidates a query, which keeps a phrase anywhere findable at bounded bytes.
  Engine.prototype.verifyPhrases = function (ids, phrases, hint, want) {
    var self = this, out = [], i = 0, pages = 0;
    function step() {
      if (i >= ids.length) return Promise.resolve({ ids: out, exact: true });
      if (out.length >= want || i >= PHRASE_MAX_CHECKS) return Promise.resolve({ ids: out, exact: false });
      var d = ids[i++];
      return self.doc(d).then(function (doc) {
        var more = doc.m ? self.rest(d).then(function (r) { return r.y; }) : Promise.resolve([]);
        return more.then(function (segs) {
          var all = [doc.x || ''].concat(segs);
          var keys = phraseKeys(doc.t + ' . ' + all.join(' '));
          if (phrases.every(function (p) { return containsPhrase(keys, p); })) {
            out.push(d);
            var at = all.findIndex(function (t) { return containsPhraseIn(t, phrases); });
            hint[d] = at < 0 ? 3 : at;
            return step();
          }
          if (pages >= self.phrasePages) {
            // Past the page budget, a candidate the excerpt does not settle makes the count a bound.
            return Promise.resolve({ ids: out, exact: false });
          }
          pages++;
          return self.pageText(doc.r).then(function (text) {
            var pk = phraseKeys(doc.t + ' . ' + text);
            if (phrases.every(function (p) { return containsPhrase(pk, p); })) { out.push(d); hint[d] = 3; }
            return step();
          });
        });
      });
    }
    function containsPhraseIn(text, ps) { var k = phraseKeys(text); return ps.some(function (p) { return containsPhrase(k, p); }); }
    return step();
  };

  /* The query as typo correction read it (`macorn` → `macron`), or null when no word was
   * corrected: each corrected word is replaced by the first word of the results that stands for
   * the term it was corrected to (so the page shows `cuisine`, not the stem `cuisin`), else by
   * that term. A word stands for a term as a query word does in `expand`: by its French stem or
   * its folded form, or, on a site with other languages (`otherLangs`), as an inflection of an
   * English stem (`companies` for `compani`), since those articles were stemmed in English. */
  function correctedQuery(q, qwords, hits, otherLangs) {
    var fixes = new Map();
    qwords.forEach(function (w) { if (w.fixed) fixes.set(w.raw, w.fixed); });
    if (!fixes.size) return null;
    var seen = [], re = /[\p{Alphabetic}\p{N}\p{M}]+/gu;
    hits.forEach(function (h) {
      ((h.doc.t || '') + ' ' + (h.text || '')).replace(re, function (m) { seen.push(m); return m; });
    });
    var standsFor = function (word, t) {
      if (fold(word.slice(0, 2)).charAt(0) !== t.charAt(0)) return false; // a stem keeps its first letter
      var f = fold(word);
      return !STOP.has(f) && (term(f, 'fr') === t || f === t || (!!otherLangs && f.length > t.length && isInflectionOf(f, t)));
    };
    return q.replace(re, function (m) {
      var t = fixes.get(fold(m));
      if (t === undefined) return m;
      for (var i = 0; i < seen.length; i++) if (standsFor(seen[i], t)) return seen[i].toLowerCase();
      return t;
    });
  }

  // The body text of an article page of the default theme (`<div class=body>` … `</article>`;
  // the whole `<article>` or page otherwise), tags stripped and entities decoded.
  var ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
  function articleText(html) {
    var start = html.search(/<div class="?body"?>/), from = start >= 0 ? start : html.search(/<article/);
    var end = html.indexOf('</article>', Math.max(from, 0));
    var part = html.slice(Math.max(from, 0), end > from ? end : html.length);
    return part.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ')
      .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, function (m, e) {
        if (e[0] !== '#') return ENTITIES[e.toLowerCase()] || m;
        var cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        // A reference to no character (beyond Unicode, or a lone surrogate) is kept as written.
        return cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || !(cp >= 0) ? m : String.fromCodePoint(cp);
      });
  }

  // Splits text into [{text, mark}] runs around words whose term was matched; `window` > 0
  // keeps about that many chars around the first match.
  function highlight(text, matched, windowChars) {
    var runs = [], last = 0, first = -1, m, re = /[\p{Alphabetic}\p{N}\p{M}]+/gu;
    // A stem keeps the first letter of its word: words that start like no matched term are
    // passed over without folding or stemming them whole.
    var firsts = new Set();
    matched.forEach(function (x) { firsts.add(x.charAt(0)); });
    var isMatch = function (w) {
      if (!firsts.has(fold(w.slice(0, 2)).charAt(0))) return false;
      var f = fold(w);
      if (STOP.has(f)) return false;
      var t = term(f, 'fr');
      if (matched.has(t) || matched.has(f)) return true;
      for (var x of matched) if (x.length >= 4 && f.startsWith(x)) return true;
      return false;
    };
    var marks = [];
    while ((m = re.exec(text))) if (isMatch(m[0])) marks.push([m.index, m.index + m[0].length]);
    var start = 0, end = text.length;
    if (windowChars && text.length > windowChars) {
      first = marks.length ? marks[0][0] : 0;
      start = Math.max(0, first - Math.floor(windowChars / 3));
      if (start > 0) { var sp = text.indexOf(' ', start); start = sp >= 0 && sp < first ? sp + 1 : start; }
      end = Math.min(text.length, start + windowChars);
      if (end < text.length) { var sp2 = text.lastIndexOf(' ', end); if (sp2 > start) end = sp2; }
    }
    last = start;
    marks.forEach(function (r) {
      if (r[0] < start || r[1] > end) return;
      if (r[0] > last) runs.push({ text: text.slice(last, r[0]), mark: false });
      runs.push({ text: text.slice(r[0], r[1]), mark: true });
      last = r[1];
    });
    if (end > last) runs.push({ text: text.slice(last, end), mark: false });
    if (start > 0) runs.unshift({ text: '… ', mark: false });
    if (end < text.length) runs.push({ text: ' …', mark: false });
    return runs;
  }

  var api = { fold: fold, words: words, stemFr: stemFr, terms: terms, parseQuery: parseQuery, distance: distance,
    articleText: articleText, correctedQuery: correctedQuery, collapseCopies: collapseCopies, decodePostings: decodePostings, decodeKeys: decodeKeys, fileName: fileName, highlight: highlight, Engine: Engine,
    isFamily: isFamily, isInflectionOf: isInflectionOf };
  if (typeof globalThis !== 'undefined') globalThis.GazetteSearch = api;

  // ---- Page UI ----
  var STRINGS = {
    fr: { none: 'Aucun résultat', one: '1 résultat', many: '{n} résultats', atLeast: 'au moins {n} résultats',
      loading: 'Recherche…', error: 'La recherche a échoué : index introuvable.', prev: 'Page précédente', next: 'Page suivante',
      page: 'Page {p} sur {n}', tags: 'Étiquettes', results: 'Résultats de recherche', empty: 'Tapez un ou plusieurs mots.',
      partial: 'Aucun article ne contient tous les mots ; résultats pour une partie d’entre eux.',
      unsure: 'Aucun résultat parmi les articles vérifiés : précisez la recherche.',
      stopOnly: 'Ces mots sont trop courants pour être cherchés seuls : ajoutez un mot plus précis.',
      fixed: 'Résultats pour {c}. Rechercher plutôt {q} ?', undated: 'Sans date', copies: 'Aussi publié par :' },
    en: { none: 'No results', one: '1 result', many: '{n} results', atLeast: 'at least {n} results',
      loading: 'Searching…', error: 'Search failed: index not found.', prev: 'Previous page', next: 'Next page',
      page: 'Page {p} of {n}', tags: 'Tags', results: 'Search results', empty: 'Type one or more words.',
      partial: 'No article contains every word; results for some of them.',
      unsure: 'No results among the articles checked: refine the search.',
      stopOnly: 'These words are too common to search on their own: add a more specific word.',
      fixed: 'Results for {c}. Search instead for {q}?', undated: 'Undated', copies: 'Also published by:' }
  };
  function fmt(s, v) { return s.replace(/\{(\w)\}/g, function (_, k) { return v[k]; }); }

  function setup(root) {
    var base = root.getAttribute('data-base') || '/';
    if (base.slice(-1) !== '/') base += '/';
    var lang = root.getAttribute('data-lang') === 'en' ? 'en' : 'fr';
    var S = STRINGS[lang];
    var rpp = parseInt(root.getAttribute('data-rpp'), 10) || 20;
    // One filter per taxonomy (search.html): its facet key, its query parameter and, when its
    // terms have pages, their route segment.
    var filterSels = Array.prototype.slice.call(root.querySelectorAll('select[data-filter]'));
    var pagesOf = {};
    filterSels.forEach(function (sel) { pagesOf[sel.getAttribute('data-filter')] = sel.getAttribute('data-pages'); });
    function termLink(key, t, cls) {
      var seg = pagesOf[key], attrs = cls ? { 'class': cls } : {};
      if (seg) attrs.href = base + seg + '/' + t[1] + '/';
      return el(seg ? 'a' : 'span', attrs, t[0]);
    }
    var engine = new Engine(function (path, kind) {
      return fetch(base + path, path.indexOf('meta.json') >= 0 ? { cache: 'no-cache' } : {}).then(function (r) {
        if (!r.ok) throw new Error(r.status + ' ' + path);
        return kind === 'json' ? r.json() : kind === 'text' ? r.text() : r.arrayBuffer().then(function (b) { return new Uint8Array(b); });
      });
    });
    var form = root.querySelector('form');
    var input = root.querySelector('#gz-q');
    var sortSel = root.querySelector('#gz-sort');
    var details = root.querySelector('#gz-filters');
    var status = root.querySelector('#gz-status');
    var fix = root.querySelector('#gz-fix');
    var list = root.querySelector('#gz-results');
    var pager = root.querySelector('#gz-pages');
    var dateFmt = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'fr-FR', { dateStyle: 'long', timeZone: 'UTC' });
    var state = { q: '', f: {}, sort: '', page: 1, typo: '' };
    var runId = 0, timer = null, facetsLoaded = null;
    list.setAttribute('aria-label', S.results);

    function el(tag, attrs, text) {
      var e = document.createElement(tag);
      if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
      if (text !== undefined) e.textContent = text;
      return e;
    }
    function appendRuns(parent, runs) {
      runs.forEach(function (r) { parent.appendChild(r.mark ? el('mark', null, r.text) : document.createTextNode(r.text)); });
    }
    function readUrl() {
      var p = new URLSearchParams(location.search);
      var f = {};
      filterSels.forEach(function (sel) { f[sel.getAttribute('data-filter')] = p.get(sel.name) || ''; });
      state = { q: p.get('q') || '', f: f, sort: p.get('sort') || '',
        page: Math.max(1, parseInt(p.get('page'), 10) || 1), typo: p.get('typo') === '0' ? '0' : '' };
      input.value = state.q;
      sortSel.value = state.sort === 'date' || state.sort === 'old' ? state.sort : '';
      if (anyFilter(state)) loadFacets().then(function () {
        filterSels.forEach(function (sel) { sel.value = state.f[sel.getAttribute('data-filter')]; });
        details.open = true;
      });
    }
    function anyFilter(s) { return Object.keys(s.f).some(function (k) { return s.f[k]; });
    }
    function urlOf(s) {
      var p = new URLSearchParams();
      if (s.q) p.set('q', s.q);
      filterSels.forEach(function (sel) { var v = s.f[sel.getAttribute('data-filter')]; if (v) p.set(sel.name, v); });
      if (s.sort) p.set('sort', s.sort);
      if (s.page > 1) p.set('page', String(s.page));
      if (s.typo) p.set('typo', s.typo);
      var qs = p.toString();
      return location.pathname + (qs ? '?' + qs : '');
    }
    function loadFacets() {
      if (!facetsLoaded) {
        facetsLoaded = engine.init().then(function () { return engine.facets(); }).then(function (f) {
          filterSels.forEach(function (sel) {
            (f[sel.getAttribute('data-filter')] || []).forEach(function (x) { sel.appendChild(el('option', { value: x[0] }, x[1] + ' (' + x[2] + ')')); });
          });
        }).catch(function () { facetsLoaded = null; });
      }
      return facetsLoaded;
    }
    function fromForm() {
      if (input.value !== state.q) state.typo = ''; // a new query may be corrected again
      state.q = input.value;
      state.f = {};
      filterSels.forEach(function (sel) { state.f[sel.getAttribute('data-filter')] = sel.value; });
      state.sort = sortSel.value;
    }
    function run(mode) {
      var id = ++runId, s = Object.assign({}, state, { f: Object.assign({}, state.f) });
      if (mode === 'push') history.pushState(null, '', urlOf(s));
      else if (mode === 'replace') history.replaceState(null, '', urlOf(s));
      root.setAttribute('aria-busy', 'true');
      var slow = setTimeout(function () { if (id === runId) status.textContent = S.loading; }, 300);
      engine.search(s.q, { filters: s.f, sort: s.sort, page: s.page, rpp: rpp, noTypo: s.typo === '0' }).then(function (res) {
        if (id !== runId) return;
        clearTimeout(slow);
        root.removeAttribute('aria-busy');
        render(res, s);
      }).catch(function (e) {
        if (id !== runId) return;
        clearTimeout(slow);
        root.removeAttribute('aria-busy');
        list.textContent = '';
        status.textContent = S.error;
        if (typeof console !== 'undefined') console.error(e);
      });
    }
    function render(res, s) {
      list.textContent = '';
      pager.textContent = '';
      pager.hidden = true;
      renderFix(res.corrected, s);
      if (res.empty) { status.textContent = res.stopOnly ? S.stopOnly : ''; return; }
      var count = res.total === 0 ? (res.exact ? S.none : S.unsure) : !res.exact ? fmt(S.atLeast, { n: res.total }) : res.total === 1 ? S.one : fmt(S.many, { n: res.total });
      status.textContent = res.partial ? count + '. ' + S.partial : count;
      res.hits.forEach(function (h) {
        var d = h.doc, li = el('li', { 'class': 'gz-result' }), art = el('article');
        var title = el('h2', { 'class': 'gz-title' }), a = el('a', { href: base + d.r });
        appendRuns(a, highlight(d.t, h.terms, 0));
        title.appendChild(a);
        art.appendChild(title);
        var meta = el('p', { 'class': 'gz-meta' });
        meta.appendChild(d.d ? el('time', { datetime: d.d }, dateFmt.format(new Date(d.d + 'T00:00:00Z'))) : el('span', null, S.undated));
        if (d.s) {
          meta.appendChild(document.createTextNode(' · '));
          meta.appendChild(termLink('s', d.s, 'gz-source'));
        }
        (d.a || []).forEach(function (t, i) {
          if (meta.childNodes.length) meta.appendChild(document.createTextNode(i ? ', ' : ' · '));
          meta.appendChild(termLink('a', t, 'gz-author'));
        });
        if (meta.childNodes.length) art.appendChild(meta);
        if (h.text) {
          var ex = el('p', { 'class': 'gz-excerpt' });
          appendRuns(ex, highlight(h.text, h.terms, 240));
          art.appendChild(ex);
        }
        if (d.g && d.g.length) {
          var tags = el('ul', { 'class': 'gz-tags', 'aria-label': S.tags });
          d.g.forEach(function (t) {
            var tli = el('li');
            tli.appendChild(termLink('t', t));
            tags.appendChild(tli);
          });
          art.appendChild(tags);
        }
        if (h.copies && h.copies.length) {
          var also = el('p', { 'class': 'gz-copies' }, S.copies + ' ');
          h.copies.forEach(function (c, k) {
            if (k) also.appendChild(document.createTextNode(', '));
            also.appendChild(el('a', { href: base + c.doc.r }, c.doc.s ? c.doc.s[0] : c.doc.t));
          });
          if (h.moreCopies) also.appendChild(document.createTextNode(' (+' + h.moreCopies + ')'));
          art.appendChild(also);
        }
        li.appendChild(art);
        list.appendChild(li);
      });
      if (res.pages > 1 || !res.exact) {
        pager.hidden = false;
        pager.setAttribute('aria-label', fmt(S.page, { p: res.page, n: res.exact ? res.pages : '…' }));
        var link = function (p, label, rel) {
          var a2 = el('a', { href: urlOf(Object.assign({}, s, { page: p })), rel: rel, 'class': 'gz-page-' + rel }, label);
          a2.addEventListener('click', function (ev) { ev.preventDefault(); state.page = p; run('push'); input.focus(); window.scrollTo(0, root.offsetTop); });
          pager.appendChild(a2);
        };
        if (res.page > 1) link(res.page - 1, S.prev, 'prev');
        pager.appendChild(el('span', { 'class': 'gz-page-n' }, fmt(S.page, { p: res.page, n: res.exact ? res.pages : '…' })));
        if (res.page < res.pages || (!res.exact && res.hits.length)) link(res.page + 1, S.next, 'next');
      }
    }
    // "Résultats pour macron. Rechercher plutôt macorn ?": the link runs the query as typed,
    // without typo correction (`typo=0` in the URL).
    function renderFix(corrected, s) {
      if (!fix) return;
      fix.textContent = '';
      fix.hidden = !corrected;
      if (!corrected) return;
      var parts = fmt(S.fixed, { c: corrected, q: '\u0000' }).split('\u0000');
      var exact = Object.assign({}, s, { page: 1, typo: '0' });
      var a = el('a', { href: urlOf(exact), 'class': 'gz-fix-q' }, s.q);
      a.addEventListener('click', function (ev) { ev.preventDefault(); state = exact; run('push'); });
      fix.appendChild(document.createTextNode(parts[0]));
      fix.appendChild(a);
      fix.appendChild(document.createTextNode(parts[1]));
    }
    function resultLinks() { return Array.prototype.slice.call(list.querySelectorAll('.gz-title a')); }

    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { fromForm(); state.page = 1; run('replace'); }, 120);
    });
    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown') { var l = resultLinks(); if (l.length) { e.preventDefault(); l[0].focus(); } }
    });
    list.addEventListener('keydown', function (e) {
      var l = resultLinks(), i = l.indexOf(document.activeElement);
      if (i < 0) return;
      if (e.key === 'ArrowDown' && i + 1 < l.length) { e.preventDefault(); l[i + 1].focus(); }
      else if (e.key === 'ArrowUp') { e.preventDefault(); (i > 0 ? l[i - 1] : input).focus(); }
      else if (e.key === 'Escape') { e.preventDefault(); input.focus(); }
    });
    form.addEventListener('submit', function (e) { e.preventDefault(); clearTimeout(timer); fromForm(); state.page = 1; run('push'); });
    filterSels.concat([sortSel]).forEach(function (sel) {
      sel.addEventListener('change', function () { fromForm(); state.page = 1; run('push'); });
    });
    details.addEventListener('toggle', function () { if (details.open) loadFacets(); });
    window.addEventListener('popstate', function () { readUrl(); run(); });
    // The site header's search box submits to this page; on this page, send it here too.
    document.querySelectorAll('form[role="search"]').forEach(function (f) {
      if (f === form) return;
      f.addEventListener('submit', function (e) {
        var q = f.querySelector('input[name="q"]');
        if (!q) return;
        e.preventDefault();
        input.value = q.value; fromForm(); state.page = 1; run('push');
      });
    });
    readUrl();
    if (state.q || anyFilter(state)) run();
  }

  if (typeof document !== 'undefined') {
    var start = function () { var root = document.getElementById('gz-search'); if (root) setup(root); };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
    else start();
  }
})();
