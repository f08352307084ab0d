// Tableau de bord Osez l'IA: reads `progress(asOf:)` from /graphql with the visitor's token.
// A person signed in through their network's identity provider: the token is in the server's
// HttpOnly session cookie, handed to this page by /tableau-de-bord/session and kept in memory.
// A pasted token, or a network chosen in development: in sessionStorage, which goes with the tab.
// Either way it is sent as a bearer token, never in a URL.
"use strict";

const SESSION_KEY = "osezia.tableau-de-bord";

const PROGRESS_QUERY = `query Progress($asOf: Date) {
  progress(asOf: $asOf) {
    asOf scope companiesCounted
    targets {
      code label unit measured numerator denominator target targetYear
      baseline baselineYear baselineSource progressPercent definition population
      surveyMeasurements { survey measures population segment year valueBasisPoints sourceUrl }
    }
    partnershipYears { year count target }
    apprenticeYears { year count target }
    regions { region name companies adopting diagnostics trained ambassadors }
    diagnosticFunnel { requested reportDelivered cofinanced cofinancingCents }
    budget {
      envelopeCents committedCents paidCents
      measures { measure allocatedCents allocationSource committedCents paidCents }
    }
  }
  loanFigures(asOf: $asOf) { status loans amountCents disbursedCents }
  calls { code title figures(asOf: $asOf) { applications selected awardedCents } }
  events(untilDate: $asOf, first: 1) { totalCount }
}`;

// The page speaks French; the API's labels are English. Unknown codes fall back to the API.
const TARGETS = {
  ADOPTION_TPE: {
    libelle: "Adoption de l'IA — TPE",
    resume: "Part des très petites entreprises suivies qui utilisent l'IA.",
  },
  ADOPTION_PME_ETI: {
    libelle: "Adoption de l'IA — PME et ETI",
    resume: "Part des PME et ETI suivies qui utilisent l'IA.",
  },
  ADOPTION_GE: {
    libelle: "Adoption de l'IA — grandes entreprises",
    resume: "Part des grandes entreprises suivies qui utilisent l'IA.",
  },
  AMBASSADORS: {
    libelle: "Ambassadeurs de l'IA",
    resume: "Dirigeants engagés comme ambassadeurs, objectif 300.",
  },
  PEOPLE_TRAINED: {
    libelle: "Personnes formées",
    resume: "Personnes ayant achevé une formation à l'IA, objectif 15\u00a0millions.",
  },
  DIAGNOSTICS: {
    libelle: "Diagnostics Data IA",
    resume: "Diagnostics Data IA réalisés, objectif d'environ 5\u00a0000.",
  },
  ACCELERATION: {
    libelle: "Accélération IA",
    resume: "Entreprises accompagnées en accélération, objectif 100.",
  },
  INRIA_PARTNERSHIPS: {
    libelle: "Partenariats INRIA",
    resume: "Partenariats signés avec INRIA, objectif 10 par an.",
  },
  BUDGET_COMMITTED: {
    libelle: "Budget engagé",
    resume: "Crédits engagés sur l'enveloppe du plan de 200\u00a0M€.",
  },
};

// What surveys measured, beside the platform's share: who measured it, and over which
// population. A population the page does not know is shown as the API gives it.
const ENQUETES = {
  INSEE_TIC: (annee) => ["INSEE", `TIC ${annee}`],
  BPIFRANCE_LE_LAB: (annee) => ["Bpifrance Le Lab", `${annee}`],
  OTHER: (annee) => ["d'enquête", `${annee}`],
};
const POPULATIONS = {
  "companies with 10 persons or more": "entreprises de 10 personnes ou plus",
  PME: "PME",
};
const PART_SUIVIE = "Part des entreprises suivies sur la plateforme";

const EXPORTS = {
  companies: "Entreprises",
  diagnostics: "Diagnostics",
  ambassadors: "Ambassadeurs",
  events: "Événements",
  partnerships: "Partenariats",
  referrals: "Orientations",
  trainings: "Inscriptions aux formations",
  loans: "Prêts",
  cohorts: "Promotions d'accélération",
  calls: "Appels à projets",
  call_applications: "Candidatures aux appels",
  providers: "Fournisseurs de solutions",
  solutions: "Solutions d'IA",
  adoptions: "Adoptions de solutions",
  budget: "Budget",
  survey_measurements: "Mesures d'enquêtes",
};

// The budget's measures, by the code the API gives them.
const MESURES = {
  DIAGNOSTICS: "Diagnostics Data IA",
  GUARANTEE_FUND: "Fonds de garantie (prêts)",
  CALLS: "Appels à projets (France 2030)",
  ACCELERATION: "Programme d'accélération",
  ACADEMIE: "Académie de l'IA",
  AWARENESS: "Sensibilisation",
};

// What the sign-in's return tells the page (`?erreur=`), in French.
const ERREURS = {
  fournisseur: "Le fournisseur d'identité de votre réseau ne répond pas. Réessayez dans quelques minutes.",
  etat: "La connexion n'a pas pu être vérifiée (demande expirée ou déjà utilisée). Recommencez la connexion.",
  role: "Votre compte n'ouvre aucun rôle dans le tableau de bord Osez l'IA. Demandez un accès à l'administrateur de votre réseau.",
  jeton: "Le jeton remis par votre fournisseur d'identité est trop volumineux pour être conservé. Signalez-le à l'administrateur de votre réseau.",
  echec: "La connexion auprès du fournisseur d'identité a échoué. Recommencez la connexion.",
};

const ROLES = {
  analyst: "analyste",
  officer: "chargé de mission",
  manager: "responsable",
  admin: "administrateur",
};

// --- French formatting ---------------------------------------------------------------------

const entier = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });

// Thin no-break spaces (what Intl writes between thousands) read as plain no-break spaces.
function espaces(text) {
  return text.replace(/\u202f/g, "\u00a0");
}

function nombre(value) {
  return espaces(entier.format(value));
}

function pourcentage(value) {
  return espaces(decimal.format(value)) + "\u00a0%";
}

function euros(cents) {
  const value = cents / 100;
  if (Math.abs(value) >= 1e6) {
    return espaces(decimal.format(value / 1e6)) + "\u00a0M€";
  }
  return espaces(entier.format(value)) + "\u00a0€";
}

function selonUnite(value, unit) {
  if (unit === "PERCENT") return pourcentage(value);
  if (unit === "CENTS") return euros(value);
  return nombre(value);
}

// French writes the first day of a month as an ordinal (« 1er mars 2026 »), which Intl does not.
function dateLongue(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  const parts = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeZone: "UTC" }).formatToParts(
    new Date(Date.UTC(y, m - 1, d)),
  );
  return espaces(parts.map((p) => (p.type === "day" && d === 1 ? "1er" : p.value)).join(""));
}

function aujourdhuiAParis() {
  // sv-SE writes dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Paris" }).format(new Date());
}

// --- the DOM, built with nodes (never HTML strings: labels come from the API) --------------

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name === "style") node.style.cssText = value; // CSSOM: allowed by the page's CSP
    else node.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function $(id) {
  return document.getElementById(id);
}

function alerte(message) {
  $("alerte").textContent = message;
}

function largeur(value, max) {
  if (!(max > 0)) return "0%";
  return `${Math.max(0, Math.min(100, (value / max) * 100))}%`;
}

// --- the session ---------------------------------------------------------------------------

function session() {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY) || "null");
  } catch {
    return null;
  }
}

function enregistrer(value) {
  if (value === null) sessionStorage.removeItem(SESSION_KEY);
  else sessionStorage.setItem(SESSION_KEY, JSON.stringify(value));
}

// The signed-in person's token, from the server's session: in memory only.
let personne = null;
let reseauAffiche = null; // the network's name, which the figures' perimeter names

function entetes(extra = {}) {
  const current = personne || session();
  const headers = { ...extra };
  if (current?.token) headers.Authorization = `Bearer ${current.token}`;
  else if (current?.tenant) headers["X-Osezia-Tenant"] = current.tenant;
  return headers;
}

class Refus extends Error {}

async function appeler(url, options = {}) {
  let response;
  try {
    response = await fetch(url, { ...options, credentials: "omit", headers: entetes(options.headers) });
  } catch {
    throw new Error("Le serveur ne répond pas. Vérifiez votre connexion et réessayez.");
  }
  if (response.status === 401) {
    throw new Refus("Votre jeton d'accès est invalide ou a expiré : connectez-vous de nouveau.");
  }
  if (response.status === 403) {
    throw new Error("Votre accès ne permet pas de lire ces données (droit de lecture requis).");
  }
  if (!response.ok) {
    const erreur = new Error(`L'API a répondu par une erreur (HTTP ${response.status}). Réessayez plus tard.`);
    erreur.status = response.status;
    throw erreur;
  }
  return response;
}

async function graphql(query, variables) {
  const response = await appeler("/graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors?.length) {
    throw new Error(`L'API a signalé une erreur : ${body.errors.map((e) => e.message).join(" ; ")}`);
  }
  return body.data;
}

// --- rendering -----------------------------------------------------------------------------

function objectif(t) {
  const fr = TARGETS[t.code] || { libelle: t.label, resume: "" };
  const titre = `objectif-${t.code}`;
  const mesure = selonUnite(t.measured, t.unit);
  const cible = selonUnite(t.target, t.unit);
  const jauge = el("div", {
    class: "jauge",
    role: "progressbar",
    "aria-labelledby": titre,
    "aria-valuemin": 0,
    "aria-valuemax": t.target,
    "aria-valuenow": Math.min(t.measured, t.target),
    "aria-valuetext": `${mesure} sur un objectif de ${cible}`,
  });
  jauge.append(el("div", { class: "jauge-remplie", style: `width: ${largeur(t.measured, t.target)}` }));
  let depart = null;
  if (t.baseline !== null && t.baseline !== undefined) {
    jauge.append(el("div", { class: "repere", style: `left: ${largeur(t.baseline, t.target)}`, "aria-hidden": "true" }));
    const annee = t.baselineYear ? ` en ${t.baselineYear}` : "";
    depart = el("p", { class: "depart", text: `Point de départ : ${selonUnite(t.baseline, t.unit)}${annee}` });
  }
  const echelle = t.numerator !== null && t.numerator !== undefined
    ? el("p", { class: "effectif", text: `${nombre(t.numerator)} sur ${nombre(t.denominator)} entreprises suivies` })
    : null;
  const details = el(
    "details",
    {},
    el("summary", { text: "Définition" }),
    fr.resume ? el("p", { text: fr.resume }) : null,
    el("p", {}, el("strong", { text: "Ce qui est compté : " }), el("span", { lang: "en", text: t.definition })),
    el("p", {}, el("strong", { text: "Population : " }), el("span", { lang: "en", text: t.population })),
    t.baselineSource
      ? el("p", {}, el("strong", { text: "Source du point de départ : " }), el("span", { lang: "en", text: t.baselineSource }))
      : null,
  );
  const [partSuivie, enquetes] = mesuresEnquetes(t);
  return el(
    "article",
    { class: "carte objectif", "data-code": t.code },
    el("h3", { id: titre, text: fr.libelle }),
    el(
      "div",
      { class: "chiffres" },
      el("span", { class: "valeur", "data-value": t.measured, text: mesure }),
      el("span", { class: "cible", text: `objectif ${t.targetYear} : ${cible}` }),
    ),
    partSuivie,
    jauge,
    el("p", { class: "avancement", text: `Avancement vers l'objectif : ${pourcentage(t.progressPercent)}` }),
    depart,
    echelle,
    enquetes,
    details,
  );
}

function mesureEnquete(m) {
  const [qui, quand] = (ENQUETES[m.survey] || ENQUETES.OTHER)(m.year);
  const population = POPULATIONS[m.population];
  const valeur = pourcentage(m.valueBasisPoints / 100);
  return el(
    "li",
    { class: "mesure-enquete", "data-survey": m.survey, "data-year": m.year },
    population
      ? el("span", { text: `Mesure ${qui} (${quand}, ${population}) : ${valeur}` })
      : el(
          "span",
          {},
          `Mesure ${qui} (${quand}, `,
          el("span", { lang: "en", text: m.population }),
          `) : ${valeur}`,
        ),
    " — ",
    el("span", { class: "ce-qui-est-mesure", lang: "en", text: m.measures }),
    " (",
    el("a", { href: m.sourceUrl, rel: "noopener noreferrer", target: "_blank", text: "source" }),
    ")",
  );
}

// Beside an adoption figure, which counts the companies the platform follows: what surveys
// measured over the country's companies, so that neither is read for the other.
function mesuresEnquetes(t) {
  if (!t.code.startsWith("ADOPTION_")) return [null, null];
  const libelle = el("p", { class: "libelle-part", text: PART_SUIVIE });
  const mesures = t.surveyMeasurements || [];
  if (!mesures.length) return [libelle, null];
  return [
    libelle,
    el(
      "div",
      { class: "enquetes" },
      el("p", { class: "enquetes-titre", text: "Mesures nationales (enquêtes, autres définitions) :" }),
      el("ul", {}, ...mesures.map(mesureEnquete)),
    ),
  ];
}

function barres(lignes) {
  // lignes: [{libelle, valeur, max, texte, nom}]
  const liste = el("ul", { class: "barres" });
  for (const ligne of lignes) {
    liste.append(
      el(
        "li",
        { "data-ligne": ligne.cle },
        el("span", { text: ligne.libelle }),
        el(
          "div",
          {
            class: "piste",
            role: "progressbar",
            "aria-label": ligne.nom,
            "aria-valuemin": 0,
            "aria-valuemax": ligne.max,
            "aria-valuenow": Math.min(ligne.valeur, ligne.max),
            "aria-valuetext": ligne.texte,
          },
          el("div", { class: "remplie", style: `width: ${largeur(ligne.valeur, ligne.max)}` }),
        ),
        el("span", { class: "nombre", text: ligne.texte }),
      ),
    );
  }
  return liste;
}

function afficherBudget(budget) {
  const envelope = budget.envelopeCents;
  const contenu = $("budget");
  contenu.replaceChildren(
    barres([
      { cle: "engage", libelle: "Engagé", nom: "Budget engagé", valeur: budget.committedCents, max: envelope,
        texte: `${euros(budget.committedCents)} sur ${euros(envelope)}` },
      { cle: "paye", libelle: "Payé", nom: "Budget payé", valeur: budget.paidCents, max: envelope,
        texte: `${euros(budget.paidCents)} sur ${euros(envelope)}` },
    ]),
  );
  if (budget.measures.length) {
    const corps = el("tbody");
    for (const m of budget.measures) {
      corps.append(el("tr", {}, el("td", { text: MESURES[m.measure] || m.measure }), el("td", {
        text: m.allocatedCents === null ? "non publiée" : euros(m.allocatedCents), title: m.allocationSource }),
        el("td", { text: euros(m.committedCents) }), el("td", { text: euros(m.paidCents) })));
    }
    contenu.append(el("table", { class: "mesures" },
      el("caption", { class: "visuellement-cache", text: "Budget par mesure" }),
      el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Mesure" }), el("th", { scope: "col", text: "Alloué" }),
        el("th", { scope: "col", text: "Engagé" }), el("th", { scope: "col", text: "Payé" }))),
      corps));
  }
}

function afficherEntonnoir(f) {
  const part = (n) => (f.requested > 0 ? ` (${pourcentage((n / f.requested) * 100)})` : "");
  $("entonnoir").replaceChildren(
    barres([
      { cle: "demandes", libelle: "Demandés", nom: "Diagnostics demandés", valeur: f.requested,
        max: f.requested, texte: nombre(f.requested) },
      { cle: "rapport", libelle: "Rapport remis", nom: "Diagnostics au rapport remis",
        valeur: f.reportDelivered, max: f.requested, texte: nombre(f.reportDelivered) + part(f.reportDelivered) },
      { cle: "cofinances", libelle: "Cofinancés", nom: "Diagnostics cofinancés", valeur: f.cofinanced,
        max: f.requested, texte: nombre(f.cofinanced) + part(f.cofinanced) },
    ]),
    el("p", { class: "montant" }, "Cofinancement versé : ",
      el("strong", { "data-ligne": "cofinancement", text: euros(f.cofinancingCents) })),
  );
}

// `vide` agrees with what is counted: « Aucun » partenariat, « Aucune » formation.
function afficherAnnees(id, annees, nom, defaut, vide) {
  const conteneur = $(id);
  if (!annees.length) {
    conteneur.replaceChildren(el("p", { text: vide }));
    return;
  }
  const max = Math.max(...annees.map((a) => Math.max(a.count, a.target ?? 0)), 1);
  conteneur.replaceChildren(
    barres(annees.map((a) => ({
      cle: String(a.year),
      libelle: String(a.year),
      nom: `${nom} en ${a.year}`,
      valeur: a.count,
      max: a.target ?? max,
      texte: a.target !== null && a.target !== undefined
        ? `${nombre(a.count)} / ${nombre(a.target)}`
        : nombre(a.count),
    }))),
    defaut ? el("p", { class: "note", text: defaut }) : null,
  );
}

let regions = [];

function afficherRegions() {
  const indicateur = $("indicateur-region").value;
  const nomIndicateur = $("indicateur-region").selectedOptions[0].textContent;
  const tri = $("tri-region").value;
  const lignes = [...regions].sort((a, b) =>
    tri === "nom" ? a.name.localeCompare(b.name, "fr") : b[indicateur] - a[indicateur] || a.name.localeCompare(b.name, "fr"));
  const max = Math.max(1, ...lignes.map((r) => r[indicateur]));
  $("colonne-valeur").textContent = nomIndicateur; // the column's header names what it shows
  const corps = $("regions").tBodies[0];
  corps.replaceChildren(...lignes.map((r) => el(
    "tr",
    { "data-region": r.region },
    el("th", { scope: "row", text: r.name }),
    el("td", {}, el(
      "div",
      { class: "ligne-region" },
      el("div", { class: "piste", "aria-hidden": "true" },
        el("div", { class: "remplie", style: `width: ${largeur(r[indicateur], max)}` })),
      el("span", { class: "nombre", text: nombre(r[indicateur]) }),
    )),
  )));
}

// What the figures count, said plainly: a network's own companies are not the country's.
function perimetre(p) {
  const region = p.regions.find((r) => r.region === p.scope);
  const ou = p.scope === "NATIONAL" ? "toutes régions" : `région ${region ? region.name : p.scope}`;
  if (p.companiesCounted === "ALL") return `toutes les entreprises suivies sur la plateforme, ${ou}`;
  return `entreprises suivies par ${reseauAffiche || "votre réseau"}, ${ou}`;
}

function afficher(p) {
  $("statut").textContent = `Situation au ${dateLongue(p.asOf)} — ${perimetre(p)}`;
  $("situation").value = p.asOf;
  $("objectifs").replaceChildren(...p.targets.map(objectif));
  afficherBudget(p.budget);
  afficherEntonnoir(p.diagnosticFunnel);
  afficherAnnees("partenariats", p.partnershipYears, "Partenariats INRIA signés", "Objectif : 10 partenariats par an.",
    "Aucun pour l'instant.");
  afficherAnnees("apprentis", p.apprenticeYears, "Formations achevées par des apprentis",
    "Pas d'objectif annuel vérifié pour les apprentis.", "Aucune pour l'instant.");
  regions = p.regions;
  afficherRegions();
  $("tableau").dataset.asOf = p.asOf; // what is shown now, whichever date the field holds
}

// Loans, calls and events, as recorded by the end of the day shown (events: those dated by then).
function afficherMesures(data) {
  const prets = data.loanFigures;
  const somme = (liste, cle) => liste.reduce((total, f) => total + f[cle], 0);
  const accordes = prets.filter((f) => f.status === "GRANTED" || f.status === "DISBURSED");
  const decaisses = prets.filter((f) => f.status === "DISBURSED");
  const lignes = [
    el("p", { "data-ligne": "prets" }, el("strong", { text: "Prêts garantis : " }),
      `${nombre(somme(prets, "loans"))} demandés (${euros(somme(prets, "amountCents"))}), ` +
      `${nombre(somme(accordes, "loans"))} garantis, ${nombre(somme(decaisses, "loans"))} décaissés ` +
      `(${euros(somme(prets, "disbursedCents"))}).`),
    ...data.calls.map((appel) => el("p", { "data-ligne": `appel-${appel.code}` },
      el("strong", { text: `${appel.title} : ` }),
      `${nombre(appel.figures.applications)} candidatures, ${nombre(appel.figures.selected)} retenues, ` +
      `${euros(appel.figures.awardedCents)} attribués.`)),
    el("p", { "data-ligne": "evenements" }, el("strong", { text: "Événements : " }),
      `${nombre(data.events.totalCount)} au calendrier jusqu'à cette date.`),
  ];
  $("mesures").replaceChildren(...lignes);
}

function afficherExports(listes) {
  const libelle = (nom) => EXPORTS[nom] || nom;
  const triees = [...listes].sort((a, b) => libelle(a).localeCompare(libelle(b), "fr"));
  if (!triees.length) {
    $("exports").replaceChildren(el("li", { text: "Votre accès ne permet pas d'exporter (droit de lecture requis)." }));
    return;
  }
  $("exports").replaceChildren(...triees.map((nom) => el(
    "li",
    {},
    el("button", {
      type: "button",
      "data-export": nom,
      "aria-label": `Exporter (CSV) : ${EXPORTS[nom] || nom}`,
      text: EXPORTS[nom] || nom,
    }),
  )));
}

// --- flow ----------------------------------------------------------------------------------

let demandeEnCours = 0;

async function charger(asOf) {
  const numero = ++demandeEnCours;
  $("statut").textContent = "Chargement…";
  $("tableau").setAttribute("aria-busy", "true");
  try {
    const data = await graphql(PROGRESS_QUERY, { asOf: asOf || null });
    if (numero !== demandeEnCours) return; // a later date was asked for meanwhile
    afficher(data.progress);
    afficherMesures(data);
    alerte("");
  } catch (error) {
    if (numero !== demandeEnCours) return;
    echec(error);
  } finally {
    if (numero === demandeEnCours) $("tableau").removeAttribute("aria-busy");
  }
}

function echec(error) {
  alerte(error.message);
  if (error instanceof Refus) {
    enregistrer(null);
    personne = null;
    montrerConnexion();
  } else {
    $("statut").textContent = "";
  }
}

async function ouvrir() {
  let qui;
  try {
    qui = await (await appeler("/tableau-de-bord/session")).json();
  } catch (error) {
    echec(error);
    return;
  }
  await montrer(qui);
}

async function montrer(qui) {
  $("connexion").hidden = true;
  $("tableau").hidden = false;
  $("deconnexion").hidden = false;
  $("reseau").hidden = false;
  $("reseau").textContent = `Réseau : ${qui.name}`;
  reseauAffiche = qui.name;
  $("personne").hidden = !qui.person;
  $("personne").textContent = qui.person ? `${qui.person} (${ROLES[qui.role] || qui.role})` : "";
  afficherExports(qui.exports);
  await charger($("situation").value || null);
}

// A person signed in through the provider has a session cookie: the server hands over its token.
async function reprendre() {
  let response;
  try {
    response = await fetch("/tableau-de-bord/session", { credentials: "same-origin" });
  } catch {
    return false;
  }
  if (!response.ok) return false;
  const qui = await response.json();
  if (!qui.token) return false;
  personne = { token: qui.token };
  await montrer(qui);
  return true;
}

// The sign-in's return says what went wrong once; the address is then cleaned.
function erreurDeRetour() {
  const adresse = new URL(window.location.href);
  const code = adresse.searchParams.get("erreur");
  if (code === null) return;
  alerte(ERREURS[code] || ERREURS.echec);
  adresse.searchParams.delete("erreur");
  history.replaceState(null, "", adresse.pathname + adresse.search);
}

async function montrerConnexion() {
  $("tableau").hidden = true;
  $("deconnexion").hidden = true;
  $("reseau").hidden = true;
  $("personne").hidden = true;
  $("connexion").hidden = false;
  try {
    const { networks, provider } = await (await fetch("/tableau-de-bord/reseaux", { credentials: "omit" })).json();
    $("carte-fournisseur").hidden = !provider;
    if (networks?.length) {
      $("choix-reseau").replaceChildren(...networks.map((n) => el("option", { value: n.tenant, text: n.name })));
      $("form-reseau").hidden = false;
    }
  } catch {
    // Without the answer, the pasted token remains.
  }
}

const INTERROMPU = "Le téléchargement de l'export s'est interrompu avant la fin. Réessayez.";

// Where the browser can write to a file the visitor chooses, the CSV goes there as it arrives:
// neither the server nor the tab holds it all. Elsewhere it is gathered into a blob, then saved.
async function exporter(bouton) {
  const nom = bouton.dataset.export;
  const options = $("excel").checked ? "?delimiter=semicolon" : "";
  const suggere = `osezia-${nom}.csv`;
  bouton.disabled = true;
  let fichier = null;
  try {
    if (typeof window.showSaveFilePicker === "function") {
      // Asked first: the picker needs the click's user activation, which awaiting fetch would spend.
      fichier = await ouvrirFichier(suggere);
      if (fichier === null) return; // the visitor closed the dialog
    }
    // The token goes in the Authorization header (appeler), never in the URL.
    const response = await appeler(`/exports/${encodeURIComponent(nom)}.csv${options}`);
    if (fichier !== null) {
      const destination = fichier;
      fichier = null; // pipeTo closes the file at the end, and aborts it on a failure
      await response.body.pipeTo(destination).catch(() => {
        throw new Error(INTERROMPU);
      });
    } else {
      const contenu = await response.blob().catch(() => {
        throw new Error(INTERROMPU);
      });
      const lien = el("a", { href: URL.createObjectURL(contenu), download: suggere });
      document.body.append(lien);
      lien.click();
      lien.remove();
      setTimeout(() => URL.revokeObjectURL(lien.href), 10000);
    }
    alerte("");
  } catch (error) {
    if (fichier !== null) await fichier.abort().catch(() => {}); // leave no empty file behind
    if (error.status === 503) {
      alerte("Trop d'exports sont en cours sur le serveur. Réessayez dans quelques secondes.");
    } else {
      echec(error);
    }
  } finally {
    bouton.disabled = false;
  }
}

async function ouvrirFichier(suggere) {
  try {
    const poignee = await window.showSaveFilePicker({
      suggestedName: suggere,
      types: [{ description: "Fichier CSV", accept: { "text/csv": [".csv"] } }],
    });
    return await poignee.createWritable();
  } catch (error) {
    if (error?.name === "AbortError") return null;
    throw new Error("Impossible d'écrire dans le fichier choisi. Choisissez un autre emplacement.");
  }
}

function demarrer() {
  const situation = $("situation");
  situation.max = aujourdhuiAParis();
  situation.addEventListener("change", () => {
    if (situation.value) charger(situation.value);
  });
  $("indicateur-region").addEventListener("change", afficherRegions);
  $("tri-region").addEventListener("change", afficherRegions);
  $("exports").addEventListener("click", (event) => {
    const bouton = event.target.closest("button[data-export]");
    if (bouton) exporter(bouton);
  });
  $("deconnexion").addEventListener("click", async () => {
    enregistrer(null);
    alerte("");
    if (personne !== null) {
      personne = null;
      try {
        // The server forgets the session: its cookie no longer signs this browser in.
        await fetch("/tableau-de-bord/deconnexion", { method: "POST", credentials: "same-origin" });
      } catch {
        alerte("Le serveur ne répond pas : fermez le navigateur pour terminer la session.");
      }
    }
    montrerConnexion();
  });
  $("form-jeton").addEventListener("submit", async (event) => {
    event.preventDefault();
    enregistrer({ token: $("jeton").value.trim().replace(/^Bearer\s+/i, "") });
    $("jeton").value = "";
    await ouvrir();
  });
  $("form-reseau").addEventListener("submit", async (event) => {
    event.preventDefault();
    enregistrer({ tenant: $("choix-reseau").value });
    await ouvrir();
  });
  erreurDeRetour();
  if (session()) ouvrir();
  else reprendre().then((repris) => repris || montrerConnexion());
}

demarrer();
