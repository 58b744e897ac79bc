// Queries of the search issue, run against tests/fixtures/search-site by both the Node-level
// client test and the Chromium end-to-end test. Articles are named by their route slug.
export const ARTICLES = {
  espionsBerlin: 'articles/des-espions-russes-arretes-a-berlin/',
  logicielEspion: 'articles/un-logiciel-espion-decouvert-sur-les-telephones-de/',
  logicielMairie: 'articles/le-logiciel-de-gestion-de-la-mairie-remplace/',
  macronMaires: 'articles/emmanuel-macron-recoit-les-maires-a-l-elysee/',
  defenseEurope: 'articles/la-defense-europeenne-en-debat-a-bruxelles/',
  xss: 'articles/faille-de-securite-script-alert-1-script-dans-un-formulaire/',
  recette: 'articles/une-recette-de-tarte-aux-pommes/',
  gantz: 'articles/lors-de-sa-visite-a-paris-le-ministre/',
  nso: 'articles/l-editeur-de-spyware-nso-aurait-ete-pret-a/',
  // Two articles alike but for a city and the date, so that they score the same; the later
  // seed is the older article (ties come newest first, whatever the seed order).
  mistralLyon: 'articles/le-mistral-souffle-fort-sur-lyon/',
  mistralNice: 'articles/le-mistral-souffle-fort-sur-nice/',
  // English articles whose stems (`arm`, `isra`) are prefixes of French query words.
  cyberArms: 'articles/the-global-trade-in-cyber-arms/',
  israeliFirm: 'articles/israeli-spyware-firm-blacklisted-by-the-united-states/',
  // A long article with `liste noire` in its last sentence, past the stored excerpt (as in
  // nso's), and a short one with `liste` and `noire` apart.
  listeNoire: 'articles/le-conseil-municipal-adopte-le-plan-de-circulation/',
  robeNoire: 'articles/une-robe-noire-pour-le-gala-de-l-opera/',
};
const A = ARTICLES;

// include: must be among the results; exclude: must not; first: must rank first;
// exactly: the result set, in any order; mark: a word that must be highlighted;
// above: pairs [a, b] where a must be listed before b (both must be listed).
export const CASES = [
  // Real matches (the French stem `israel`) rank above the shorter English stem `isra`.
  { q: 'israel', include: [A.gantz, A.nso], exclude: [A.recette, A.macronMaires], mark: 'Israël', above: [[A.gantz, A.israeliFirm]] },
  { q: 'Israël', include: [A.gantz, A.nso], exclude: [A.recette], above: [[A.gantz, A.israeliFirm]] },
  { q: 'defense', include: [A.defenseEurope, A.gantz], first: A.defenseEurope, exclude: [A.recette], mark: 'Défense' },
  { q: 'l’armée', include: [A.gantz], exclude: [A.recette, A.defenseEurope], mark: 'armée' },
  { q: "l'armée", include: [A.gantz], exclude: [A.recette], first: A.gantz },
  { q: 'd’Israël', include: [A.gantz], exclude: [A.recette] },
  { q: 'journalistes', include: [A.logicielEspion, A.gantz, A.nso], exclude: [A.recette, A.defenseEurope], mark: 'journalistes' },
  { q: 'journaliste', include: [A.logicielEspion, A.gantz, A.nso], exclude: [A.recette] },
  { q: 'espions', include: [A.espionsBerlin, A.logicielEspion, A.logicielMairie], first: A.espionsBerlin, exclude: [A.recette], mark: 'espions' },
  { q: 'espion', include: [A.espionsBerlin, A.logicielEspion, A.logicielMairie], exclude: [A.recette] },
  // Word families: `espion` finds `espionnage` (gantz) below the articles with `espion` itself;
  // `espionnage` finds `espion`; `israélien` finds `Israël` (nso).
  { q: 'espion ', include: [A.gantz, A.espionsBerlin], above: [[A.espionsBerlin, A.gantz], [A.logicielMairie, A.gantz]] },
  { q: 'logiciel espion ', include: [A.logicielEspion, A.gantz], above: [[A.logicielEspion, A.gantz]] },
  { q: 'espionnage ', include: [A.gantz, A.espionsBerlin], first: A.gantz },
  { q: 'israélien ', include: [A.gantz, A.nso], first: A.gantz },
  { q: 'mobil', include: [A.nso], exclude: [A.recette, A.macronMaires], mark: ['Mobileum', 'mobile'] },
  { q: 'pegasis', include: [A.nso, A.gantz, A.logicielEspion], exclude: [A.recette, A.macronMaires], mark: 'Pegasus' },
  { q: 'macorn', include: [A.macronMaires, A.gantz], exclude: [A.recette, A.nso], mark: 'Macron' },
  { q: 'macron', include: [A.macronMaires, A.gantz], first: A.macronMaires },
  { q: '"logiciel espion"', exactly: [A.logicielEspion], mark: 'logiciel' },
  { q: '"liste noire"', exactly: [A.listeNoire, A.nso] },
  { q: 'liste noire', exactly: [A.listeNoire, A.robeNoire, A.nso] },
  { q: 'logiciel espion', include: [A.logicielEspion, A.logicielMairie], first: A.logicielEspion },
  { q: 'pommes tarte', exactly: [A.recette] },
  { q: 'alert formulaire', exactly: [A.xss] },
  { q: 'mistral', exactly: [A.mistralLyon, A.mistralNice], first: A.mistralLyon, mark: 'mistral' },
  { q: 'zzzyxw', exactly: [] },
];

export function check(c, routes, marked) {
  const errors = [];
  if (c.include) for (const r of c.include) if (!routes.includes(r)) errors.push(`missing ${r}`);
  if (c.exclude) for (const r of c.exclude) if (routes.includes(r)) errors.push(`unexpected ${r}`);
  if (c.first && routes[0] !== c.first) errors.push(`first is ${routes[0]}, expected ${c.first}`);
  if (c.exactly && JSON.stringify([...routes].sort()) !== JSON.stringify([...c.exactly].sort())) {
    errors.push(`got ${JSON.stringify(routes)}, expected exactly ${JSON.stringify(c.exactly)}`);
  }
  const wanted = [].concat(c.mark || []).map((m) => m.toLowerCase());
  if (c.mark && marked && !marked.some((m) => wanted.includes(m.toLowerCase()))) {
    errors.push(`no <mark>${c.mark}</mark> (marked: ${JSON.stringify(marked.slice(0, 12))})`);
  }
  for (const [a, b] of c.above || []) {
    const [i, j] = [routes.indexOf(a), routes.indexOf(b)];
    if (i < 0 || j < 0 || i > j) errors.push(`${a} (at ${i}) not above ${b} (at ${j})`);
  }
  return errors;
}
