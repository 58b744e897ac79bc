use super::*;

fn no_meta(_: &str) -> bool {
    false
}

const P: &[&str] = &[
    "Le conseil municipal a voté mardi soir la fermeture pour travaux de la piscine du centre-ville, qui accueillait chaque année des milliers de baigneurs.",
    "Les associations sportives seront accueillies pendant la durée du chantier dans les équipements des communes voisines, avec lesquelles une convention a été signée.",
    "Le maire a reconnu que cette fermeture allait compliquer la vie des familles, mais il a assuré que la réouverture était prévue pour la rentrée de septembre.",
];

fn page(lines: &[&str]) -> Extraction {
    extract(lines, &no_meta)
}

#[test]
fn menu_runs_are_furniture_and_paragraphs_article() {
    let mut lines = menu();
    lines.push("La piscine du centre-ville ferme pour un an");
    lines.extend_from_slice(P);
    lines.extend_from_slice(&["Mentions légales", "Plan du site", "Contact", "Cookies"]);
    let ex = page(&lines);
    assert!(ex.active);
    assert_eq!(ex.headline, Some(6));
    for i in 0..6 {
        assert!(!ex.keeps(i), "menu line {i} kept");
    }
    for i in 7..10 {
        assert!(ex.keeps(i), "paragraph {i} dropped");
    }
    assert!(!ex.keeps(10) && !ex.keeps(13));
}

#[test]
fn an_article_alone_is_left_whole() {
    let lines = [
        "Un titre d'article assez court",
        P[0],
        "Un intertitre",
        P[1],
        P[2],
        "Fin.",
    ];
    let ex = page(&lines);
    assert!(!ex.active);
    assert!((1..6).all(|i| ex.keeps(i)));
}

#[test]
fn a_comment_header_ends_the_article() {
    let mut lines = menu();
    lines.extend_from_slice(P);
    lines.extend_from_slice(&["3 commentaires", "Paul", P[0], "Marie", P[1]]);
    let ex = page(&lines);
    assert!(ex.keeps(8));
    assert_eq!(ex.verdicts[9].role, Role::Comment);
    assert_eq!(ex.verdicts[11].role, Role::Comment);
}

#[test]
fn captions_teasers_and_paywall_notices_leave_the_body() {
    let lines = [
        P[0],
        "(Photo : AFP)",
        "Lire aussi : La piscine fermée depuis l'été",
        P[1],
        "Cet article est réservé aux abonnés. Il vous reste 64 % de cet article à lire.",
        P[2],
    ];
    let ex = page(&lines);
    assert_eq!(ex.verdicts[1].role, Role::Caption);
    assert_eq!(ex.verdicts[2].role, Role::Teaser);
    assert_eq!(ex.verdicts[4].role, Role::Notice);
    assert!(ex.keeps(0) && ex.keeps(3) && ex.keeps(5));
}

#[test]
fn page_title_line_gives_headline_and_site() {
    let lines = ["La piscine ferme pour un an | La Gazette", "Accueil", P[0]];
    let (i, head, site) = page_title(&lines).expect("page title");
    assert_eq!(
        (i, head.as_str(), site.as_str()),
        (0, "La piscine ferme pour un an", "La Gazette")
    );
    assert!(page_title(&["Une phrase, pas un titre - vraiment."]).is_none());
}

#[test]
fn stopword_density_separates_prose_from_name_lists() {
    let stops = features::stop_set("fr").expect("French stop list");
    let prose = Features::of(P[0], Some(stops));
    let names = Features::of(
        "Emmanuel Macron Olaf Scholz Giorgia Meloni Pedro Sánchez Ursula von der Leyen Charles Michel Josep Borrell Kaja Kallas",
        Some(stops),
    );
    assert_eq!(prose.class(), Class::Good);
    assert_eq!(names.class(), Class::Bad);
}

#[test]
fn no_panic_on_odd_input() {
    let ex = page(&[]);
    assert!(ex.verdicts.is_empty());
    let ex = page(&["", "   ", "©", "…", "12"]);
    assert_eq!(ex.verdicts.len(), 5);
}

#[test]
fn an_extent_moves_the_body_start_and_keeps_a_dropped_line() {
    let mut lines = menu();
    lines.extend_from_slice(P);
    lines.extend_from_slice(&["Mentions légales", "Plan du site", "Contact", "Cookies"]);
    let mut ex = page(&lines);
    assert!(!ex.keeps(2) && ex.keeps(6));
    let numbers: Vec<usize> = (1..=lines.len()).collect();
    let extent = Extent {
        start: Some(8),
        stop: None,
        keep: vec![3],
    };
    extent.apply(&mut ex, &numbers);
    assert!(ex.keeps(2), "kept line 3");
    assert!(!ex.keeps(6), "line 7 is above body_start");
    assert!(ex.keeps(7) && ex.keeps(8));
}

#[test]
fn a_comment_prompt_under_a_short_article_drops_nothing_else() {
    let lines = [
        "Un titre d'article assez court",
        P[0],
        P[1],
        "Soyez le premier à commenter",
    ];
    let ex = page(&lines);
    assert!(!ex.active);
    assert!(ex.keeps(1) && ex.keeps(2));
    assert_eq!(ex.verdicts[3].role, Role::Comment);
}

const BLURBS: &[&str] = &[
    "Les élus de la majorité ont défendu mardi un budget qu'ils jugent prudent, malgré la hausse des taux.",
    "Le festival de jazz revient cet été sur les quais, avec une programmation plus courte que l'an dernier.",
    "Les riverains du chantier du tramway se plaignent du bruit et demandent des horaires de travaux aménagés.",
    "La préfecture a levé lundi les restrictions d'eau qui pesaient depuis le mois de juillet sur le département.",
];

fn menu() -> Vec<&'static str> {
    vec![
        "Accueil",
        "Politique",
        "Économie",
        "Sport",
        "Culture",
        "Vidéos",
    ]
}

#[test]
fn a_teaser_feed_after_the_article_leaves_the_body() {
    let mut lines = menu();
    lines.push("La piscine du centre-ville ferme pour un an");
    lines.extend_from_slice(P);
    lines.push(P[0]);
    let article_end = lines.len();
    for b in BLURBS {
        lines.extend_from_slice(&["Politique", "Un autre titre de la rubrique", "Jean Martin"]);
        lines.push(b);
    }
    let feed_end = lines.len();
    lines.extend_from_slice(&["Mentions légales", "Plan du site", "Contact", "Cookies"]);
    let ex = page(&lines);
    assert!((7..article_end).all(|i| ex.keeps(i)), "article kept");
    for (i, line) in lines.iter().enumerate().skip(article_end) {
        assert!(!ex.keeps(i), "feed line {i} kept: {line}");
    }
    assert_eq!(
        ex.verdicts[feed_end - 1].rule,
        "furniture: teaser feed (lone paragraphs between short lines)"
    );
}

#[test]
fn an_interview_with_short_questions_is_not_a_feed() {
    let mut lines = menu();
    lines.push("« Nous rouvrirons en septembre »");
    lines.extend_from_slice(&P[..2]);
    for b in BLURBS {
        lines.push("Quand la piscine rouvrira-t-elle ?");
        lines.push(b);
    }
    lines.extend_from_slice(&["Mentions légales", "Plan du site", "Contact", "Cookies"]);
    let ex = page(&lines);
    let n = lines.len();
    assert!((7..n - 4).all(|i| ex.keeps(i)), "{:#?}", ex.verdicts);
}

#[test]
fn a_related_box_inside_the_article_does_not_end_it() {
    let mut lines = menu();
    lines.push("La piscine du centre-ville ferme pour un an");
    lines.extend_from_slice(&P[..2]);
    lines.extend_from_slice(&[
        "Sur le même sujet",
        "Le festival de jazz revient sur les quais",
        "Les riverains du tramway se plaignent",
    ]);
    lines.extend_from_slice(&[P[2], P[0]]);
    lines.extend_from_slice(&["Mentions légales", "Plan du site", "Contact", "Cookies"]);
    let ex = page(&lines);
    assert!(
        ex.keeps(7) && ex.keeps(8),
        "before the box: {:#?}",
        ex.verdicts
    );
    assert!(
        !ex.keeps(9) && !ex.keeps(10) && !ex.keeps(11),
        "the box: {:#?}",
        ex.verdicts
    );
    assert_eq!(
        ex.verdicts[10].rule,
        "furniture: related box inside the article"
    );
    assert!(ex.keeps(12) && ex.keeps(13), "after the box");
}

#[test]
fn a_closing_sentence_stays_and_a_prompt_to_the_reader_goes() {
    let footer = ["Mentions légales", "Plan du site", "Contact", "Cookies"];
    let mut lines = menu();
    lines.push("La piscine du centre-ville ferme pour un an");
    lines.extend_from_slice(P);
    lines.push("La piscine rouvrira ses portes à la rentrée");
    lines.extend_from_slice(&footer);
    let ex = page(&lines);
    assert!(
        ex.keeps(10),
        "closing sentence dropped: {:?}",
        ex.verdicts[10]
    );
    assert_eq!(
        ex.verdicts[10].rule,
        "kept: closing sentence after the last paragraph"
    );
    lines[10] = "Partagez votre avis sur la fermeture avec vos amis";
    let ex = page(&lines);
    assert!(!ex.keeps(10), "prompt kept");
}

#[test]
fn a_closing_sentence_after_minute_marks_stays_unless_it_is_a_title() {
    let footer = ["Mentions légales", "Plan du site", "Contact", "Cookies"];
    let mut lines = menu();
    lines.push("Le derby s'achève sur un match nul");
    for p in P {
        lines.extend_from_slice(&["88'", p]);
    }
    lines.extend_from_slice(&[
        "5'",
        "1'",
        "Les deux équipes s'observent en ce début de rencontre.",
    ]);
    lines.extend_from_slice(&footer);
    let ex = page(&lines);
    let last = 15;
    assert!(
        ex.keeps(last),
        "closing sentence dropped: {:?}",
        ex.verdicts[last]
    );
    assert_eq!(
        ex.verdicts[last].rule,
        "kept: closing sentence after the last paragraph"
    );
    assert!(!ex.keeps(last + 1), "footer kept");
    // Past the marks, a line that does not end as a sentence is the next teaser's title.
    lines[last] = "Les deux équipes de la ville se retrouvent en finale";
    let ex = page(&lines);
    assert!(!ex.keeps(last), "title kept: {:?}", ex.verdicts[last]);
}

#[test]
fn prose_about_a_privacy_policy_is_not_a_notice() {
    let mut lines = menu();
    lines.push("La CNIL met en demeure le réseau social");
    lines.push("La CNIL estime que la nouvelle politique de confidentialité du réseau social ne respecte pas le consentement des utilisateurs européens, qui n'ont jamais été consultés.");
    lines.extend_from_slice(P);
    lines.extend_from_slice(&[
        "Mentions légales",
        "Politique de confidentialité",
        "Contact",
        "Cookies",
    ]);
    let ex = page(&lines);
    assert!(ex.keeps(7), "prose dropped: {:?}", ex.verdicts[7]);
    assert!(!ex.keeps(12), "footer link kept: {:?}", ex.verdicts[12]);
}

#[test]
fn a_share_and_previous_next_gap_closes_the_article() {
    let mut lines = menu();
    lines.push("La piscine du centre-ville ferme pour un an");
    lines.extend_from_slice(P);
    lines.extend_from_slice(P);
    lines.extend_from_slice(&[
        "Piscine Travaux Sport",
        "Partager cet article",
        "Facebook",
        "Twitter",
        "Courriel",
        "Article précédent",
        "« Le festival de jazz revient sur les quais »",
        "Article suivant",
        "« Les riverains du tramway se plaignent »",
        "Le blog des sports",
    ]);
    let about = lines.len();
    lines.push("Un blog tenu par un journaliste qui suit depuis vingt ans la vie sportive de la ville et de ses clubs, des équipes professionnelles aux associations de quartier.");
    lines.push(
        "Il est l'auteur de deux livres consacrés à l'histoire du club de football de la ville.",
    );
    lines.extend_from_slice(&["Mentions légales", "Contact"]);
    let ex = page(&lines);
    assert!((7..13).all(|i| ex.keeps(i)), "article: {:#?}", ex.verdicts);
    assert!(!ex.keeps(about), "about box kept: {:?}", ex.verdicts[about]);
    assert_eq!(
        ex.verdicts[about].rule,
        "furniture: after a share / previous-next gap that closes the article"
    );
}

/// Article paragraphs that are not those of [`P`], for pages that need more text.
const Q: &[&str] = &[
    "La préfecture a ouvert trois gymnases pour accueillir les habitants évacués dans la nuit, et les services de l'État ont promis de rester mobilisés aussi longtemps qu'il le faudra.",
    "Le préfet a annoncé qu'il demanderait la reconnaissance de l'état de catastrophe naturelle, ce qui permettra aux sinistrés d'être indemnisés plus rapidement par leurs assurances.",
];

#[test]
fn a_numbered_list_after_the_last_paragraph_is_the_article() {
    let mut lines = menu();
    lines.extend_from_slice(P);
    lines.push("Voici les trois lieux retenus par la mairie pour les cours de natation :");
    lines.extend_from_slice(&[
        "1) La piscine de Hautepierre",
        "Bus 17, arrêt Cervantès",
        "2) Le centre nautique de Schiltigheim",
        "Tram B, arrêt Hôtel de ville",
        "3) La piscine du Wacken",
        "Tram B, arrêt Wacken",
        "Mentions légales",
        "Plan du site",
        "Contact",
        "Cookies",
    ]);
    let ex = page(&lines);
    let first = menu().len() + P.len() + 1;
    for i in first..first + 6 {
        assert!(ex.keeps(i), "list line {i} dropped: {:?}", ex.verdicts[i]);
    }
    assert!(!ex.keeps(first + 6));
    // Unnumbered, the same lines are links after the article.
    let unnumbered: Vec<String> = lines.iter().map(|l| l.replacen(") ", " ", 1)).collect();
    let unnumbered: Vec<&str> = unnumbered.iter().map(String::as_str).collect();
    let ex = page(&unnumbered);
    assert!(ex.keeps(first - 1));
    // (The first may be kept as a closing sentence.)
    assert!(
        !ex.keeps(first + 2) && !ex.keeps(first + 4),
        "{:?}",
        ex.verdicts
    );
}

#[test]
fn a_list_under_a_section_header_above_the_article_is_not_its_opening() {
    let mut lines = menu();
    lines.extend_from_slice(&[
        "La vallée sous les eaux après une nuit de pluies diluviennes",
        "Les plus lus",
        "Un nouveau directeur pour le conservatoire de musique, qui rouvrira ses portes en septembre",
        "Les travaux du tramway reprennent lundi dans le centre, avec des déviations pour les bus",
        "Le marché de Noël ouvre ses portes vendredi sur la place de la cathédrale et dans les rues",
    ]);
    lines.extend_from_slice(P);
    lines.extend_from_slice(&["Mentions légales", "Plan du site", "Contact", "Cookies"]);
    let ex = page(&lines);
    let m = menu().len();
    assert!((m + 2..m + 5).all(|i| !ex.keeps(i)));
    assert!((m + 5..m + 8).all(|i| ex.keeps(i)));
    assert_eq!(ex.headline, Some(m));
    // Without the header, the same lines open the article.
    lines.remove(m + 1);
    let ex = page(&lines);
    assert!((m + 1..m + 7).all(|i| ex.keeps(i)), "{:?}", ex.verdicts);
}

#[test]
fn a_notice_box_closes_the_article_unless_paragraphs_follow() {
    let box_lines = [
        "Inscrivez-vous à notre newsletter quotidienne",
        "S'inscrire à la newsletter",
        "Merci pour votre inscription !",
    ];
    let about = "Le Courrier du Midi est un journal indépendant, fondé par ses lecteurs, qui raconte chaque jour la vie de la région et de ses habitants.";
    let mut lines = menu();
    lines.extend_from_slice(P);
    lines.extend_from_slice(&Q[..1]);
    lines.extend_from_slice(&box_lines);
    lines.push(about);
    lines.extend_from_slice(&["Mentions légales", "Plan du site", "Contact", "Cookies"]);
    let ex = page(&lines);
    let m = menu().len();
    assert!((m..m + 4).all(|i| ex.keeps(i)));
    assert!(!ex.keeps(m + 7), "{:?}", ex.verdicts[m + 7]);
    // The box in the middle of the article: the paragraphs after it stay.
    let mut lines = menu();
    lines.extend_from_slice(P);
    lines.extend_from_slice(&box_lines);
    lines.extend_from_slice(Q);
    lines.extend_from_slice(&["Mentions légales", "Plan du site", "Contact", "Cookies"]);
    let ex = page(&lines);
    assert!(ex.keeps(m + 6) && ex.keeps(m + 7), "{:?}", ex.verdicts);
}
