import type { IsoDate, LabelStatus, Level, TokenStatus } from '../../domain/types.ts';
import type { Sort } from '../../registry/search.ts';

export const LANGUAGES = ['en', 'de'] as const;
export type Lang = (typeof LANGUAGES)[number];

export const isLang = (value: unknown): value is Lang => LANGUAGES.includes(value as Lang);

/**
 * The visitor's language: the `lang` cookie they chose with the switch, else the
 * first of ours in `Accept-Language` by weight, else English.
 */
export function chooseLanguage(cookie: string | undefined, acceptLanguage: string | undefined): Lang {
  if (isLang(cookie)) return cookie;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { lang: tag.split('-')[0], weight: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((entry) => isLang(entry.lang) && entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index);
  return (ranked[0]?.lang as Lang | undefined) ?? 'en';
}

const locales: Record<Lang, string> = { en: 'en-GB', de: 'de-DE' };

// One formatter per language for the life of the process: an Intl object is costly to make
// (its locale data is built afresh), and the register page needs dozens of them.
const perLang = <T>(make: (locale: string) => T): Record<Lang, T> => ({ en: make(locales.en), de: make(locales.de) });
const dateFormats = perLang((locale) => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }));
const numberFormats = perLang((locale) => new Intl.NumberFormat(locale));
const regionNames = perLang((locale) => new Intl.DisplayNames([locale], { type: 'region' }));

/** A calendar date as people of that language write it ("31 March 2027", "31. März 2027"). */
export const formatDate = (date: IsoDate, lang: Lang) => dateFormats[lang].format(new Date(`${date.slice(0, 10)}T00:00:00Z`));

export const formatNumber = (value: number, lang: Lang) => numberFormats[lang].format(value);

/** The country's name in that language; the code itself when the runtime does not know it. */
export function countryName(code: string, lang: Lang): string {
  try {
    return regionNames[lang].of(code) ?? code;
  } catch {
    return code;
  }
}

/** The official names of the levels, which stay English in every language. */
export const LEVEL_MOTTOS: Record<Level, string> = {
  bronze: 'Striving for Cluster Excellence',
  silver: 'Dedicated to Cluster Excellence',
  gold: 'Proven for Cluster Excellence',
};

export const fullLabelName = (programmeName: string, level: Level) => `${programmeName} ${level.toUpperCase()} – ${LEVEL_MOTTOS[level]}`;

const en = {
  skip: 'Skip to content',
  register: 'Register',
  languageNav: 'Language',
  registerTitle: 'Register of labelled clusters',
  registerIntro: (programme: string, issuer: string) => `Every cluster management organisation that holds or has held the ${programme}, as recorded by ${issuer}. Select a cluster to see its label and its history.`,
  searchLegend: 'Search the register',
  name: 'Name',
  country: 'Country',
  anyCountry: 'Any country',
  level: 'Level',
  anyLevel: 'Any level',
  status: 'Status',
  anyStatus: 'Any status',
  sortBy: 'Sort by',
  sorts: { name: 'Name A–Z', '-name': 'Name Z–A', country: 'Country', 'valid-until': 'Valid until, soonest first', '-valid-until': 'Valid until, latest first' } satisfies Record<Sort, string>,
  search: 'Search',
  reset: 'Clear filters',
  found: (n: string) => (n === '1' ? '1 cluster found' : `${n} clusters found`),
  pageOf: (page: string, pages: string) => `page ${page} of ${pages}`,
  noMatch: 'No cluster matches. Try fewer words or remove a filter.',
  pastEnd: 'This page is past the last one.',
  results: 'Clusters in the register',
  cluster: 'Cluster',
  portfolio: 'Portfolio',
  label: 'Label',
  validUntil: 'Valid until',
  pages: 'Pages',
  previous: 'Previous page',
  next: 'Next page',
  download: 'Download these results as open data:',
  levels: { bronze: 'Bronze', silver: 'Silver', gold: 'Gold' } satisfies Record<Level, string>,
  statuses: { valid: 'Valid', expired: 'Expired', revoked: 'Revoked', none: 'No label' } satisfies Record<TokenStatus, string>,
  historyStatuses: { valid: 'Valid', expired: 'Expired', revoked: 'Revoked', withdrawn: 'Withdrawn', superseded: 'Replaced by a higher level' } satisfies Record<LabelStatus, string>,

  statement: {
    valid: (name: string, label: string, until: string) => `${name} holds the ${label}, valid until ${until}.`,
    expired: (name: string, level: string, until: string) => `The ${level} label of ${name} was valid until ${until} and has expired: ${name} holds no valid label.`,
    revoked: (name: string, level: string, on: string) => `The ${level} label of ${name} was revoked on ${on}: ${name} holds no valid label.`,
    none: (name: string) => `${name} is registered but holds no label.`,
  } satisfies Record<TokenStatus, (...args: string[]) => string>,
  asOf: (date: string) => `As recorded in the register on ${date}.`,
  expiredNotice: 'This label has expired. A renewal is possible up to one year after its end; until then it is not valid.',
  revokedNotice: 'This label was revoked by the issuer before its end.',
  reason: 'Reason',
  about: 'About the cluster',
  organisation: 'Organisation',
  websites: 'Websites',
  noWebsites: 'None registered',
  clusterId: 'Cluster id',
  currentLabel: 'Current label',
  awarded: 'Awarded on',
  revokedOn: 'Revoked on',
  history: 'Label history',
  historyCaption: 'Every label of this cluster, oldest first',
  noHistory: 'No label has been awarded to this cluster.',
  whoTitle: 'Who says so',
  whoIssuer: (issuer: string) => `The label is awarded by ${issuer}. This page is its public register.`,
  whoCheck: (address: string) => `This statement is authentic only at this address: check that your browser’s address bar shows ${address}, over a secure connection. A badge on a cluster’s website links here so you can confirm it.`,
  credentialsTitle: 'The label as a verifiable credential',
  credentialsIntro: 'For wallets, platforms and portals that check credentials themselves: the same statement, signed by the issuer, valid as long as the label, with a status list entry that says at once when it no longer stands.',
  credentialsOpenBadge: 'Open Badges 3.0 (W3C Verifiable Credential, JWT)',
  credentialsSdJwt: 'SD-JWT VC (EU Digital Identity and Business Wallets)',
  credentialsVerify: 'Verify a credential',
  embedTitle: 'Show the label on your website',
  websiteLink: 'For the cluster’s webmaster: show this label on your website',
  qrLabel: (address: string) => `QR code of this page’s address, ${address}`,
  embedIntro: 'Paste this once into your website’s HTML. The badge always shows your current label, checked in the visitor’s browser; without JavaScript it is a link to this page.',
  embedFrame: 'Where your site builder or CMS removes scripts, embed the same badge as a frame (it shows only on your registered websites):',
  embedImage: 'For places without JavaScript, such as e-mail signatures or PDFs, use the image:',
  embedPreview: 'The image as it looks now:',
  helpTitle: 'Why does my badge say “not this site”?',
  helpOrigin: 'The badge confirms the label only on the websites registered for your cluster. It compares the page’s address exactly: scheme, host and port.',
  helpExamples: 'So https://www.example.org and https://example.org are different websites, and so are http:// and https:// and an address with another port. Inside a frame, the address of the page that contains the frame counts.',
  helpRegistered: 'Websites registered for this cluster:',
  helpFix: 'If the website showing the badge is not listed, ask the programme office to add its exact address (for example https://www.example.org).',
  notFoundTitle: 'Cluster not found',
  notFound: (id: string) => `No cluster with the id “${id}” is registered.`,
  notFoundBadge: 'If a badge on a website led you here, that badge is not backed by the register.',
  errorTitle: 'Something is wrong',
  searchRegister: 'Search the register',
  footerIssuer: (issuer: string) => `Register kept by ${issuer}.`,
  openData: 'Open data:',
};

export type Messages = typeof en;

const de: Messages = {
  skip: 'Zum Inhalt springen',
  register: 'Register',
  languageNav: 'Sprache',
  registerTitle: 'Register der ausgezeichneten Cluster',
  registerIntro: (programme, issuer) => `Alle Clustermanagement-Organisationen, die das ${programme} halten oder gehalten haben, wie ${issuer} sie verzeichnet. Wählen Sie einen Cluster, um sein Label und dessen Verlauf zu sehen.`,
  searchLegend: 'Im Register suchen',
  name: 'Name',
  country: 'Land',
  anyCountry: 'Alle Länder',
  level: 'Stufe',
  anyLevel: 'Alle Stufen',
  status: 'Status',
  anyStatus: 'Jeder Status',
  sortBy: 'Sortieren nach',
  sorts: { name: 'Name A–Z', '-name': 'Name Z–A', country: 'Land', 'valid-until': 'Gültig bis, früheste zuerst', '-valid-until': 'Gültig bis, späteste zuerst' },
  search: 'Suchen',
  reset: 'Filter zurücksetzen',
  found: (n) => (n === '1' ? '1 Cluster gefunden' : `${n} Cluster gefunden`),
  pageOf: (page, pages) => `Seite ${page} von ${pages}`,
  noMatch: 'Kein Cluster passt. Versuchen Sie weniger Wörter oder entfernen Sie einen Filter.',
  pastEnd: 'Diese Seite liegt hinter der letzten.',
  results: 'Cluster im Register',
  cluster: 'Cluster',
  portfolio: 'Portfolio',
  label: 'Label',
  validUntil: 'Gültig bis',
  pages: 'Seiten',
  previous: 'Vorige Seite',
  next: 'Nächste Seite',
  download: 'Diese Ergebnisse als offene Daten herunterladen:',
  levels: { bronze: 'Bronze', silver: 'Silber', gold: 'Gold' },
  statuses: { valid: 'Gültig', expired: 'Abgelaufen', revoked: 'Widerrufen', none: 'Kein Label' },
  historyStatuses: { valid: 'Gültig', expired: 'Abgelaufen', revoked: 'Widerrufen', withdrawn: 'Entzogen', superseded: 'Durch eine höhere Stufe abgelöst' },

  statement: {
    valid: (name, label, until) => `${name} hält das ${label}, gültig bis ${until}.`,
    expired: (name, level, until) => `Das ${level}-Label von ${name} war gültig bis ${until} und ist abgelaufen: ${name} hält kein gültiges Label.`,
    revoked: (name, level, on) => `Das ${level}-Label von ${name} wurde am ${on} widerrufen: ${name} hält kein gültiges Label.`,
    none: (name) => `${name} ist registriert, hält aber kein Label.`,
  },
  asOf: (date) => `So verzeichnet im Register am ${date}.`,
  expiredNotice: 'Dieses Label ist abgelaufen. Eine Verlängerung ist bis ein Jahr nach seinem Ende möglich; bis dahin ist es nicht gültig.',
  revokedNotice: 'Dieses Label wurde vom Aussteller vor seinem Ende widerrufen.',
  reason: 'Begründung',
  about: 'Über den Cluster',
  organisation: 'Organisation',
  websites: 'Websites',
  noWebsites: 'Keine registriert',
  clusterId: 'Cluster-Kennung',
  currentLabel: 'Aktuelles Label',
  awarded: 'Verliehen am',
  revokedOn: 'Widerrufen am',
  history: 'Verlauf der Labels',
  historyCaption: 'Alle Labels dieses Clusters, das älteste zuerst',
  noHistory: 'Diesem Cluster wurde noch kein Label verliehen.',
  whoTitle: 'Wer das bestätigt',
  whoIssuer: (issuer) => `Das Label verleiht ${issuer}. Diese Seite ist sein öffentliches Register.`,
  whoCheck: (address) => `Diese Angabe ist nur unter dieser Adresse echt: Prüfen Sie, dass die Adresszeile Ihres Browsers ${address} über eine sichere Verbindung zeigt. Ein Siegel auf der Website eines Clusters verweist hierher, damit Sie es bestätigen können.`,
  credentialsTitle: 'Das Label als überprüfbarer Nachweis',
  credentialsIntro: 'Für Wallets, Plattformen und Portale, die Nachweise selbst prüfen: dieselbe Aussage, vom Aussteller signiert, gültig so lange wie das Label, mit einem Eintrag in einer Statusliste, der sofort zeigt, wenn sie nicht mehr gilt.',
  credentialsOpenBadge: 'Open Badges 3.0 (W3C Verifiable Credential, JWT)',
  credentialsSdJwt: 'SD-JWT VC (EU Digital Identity und Business Wallets)',
  credentialsVerify: 'Einen Nachweis prüfen',
  embedTitle: 'Das Label auf Ihrer Website zeigen',
  websiteLink: 'Für die Betreuer der Cluster-Website: dieses Label auf Ihrer Website zeigen',
  qrLabel: (address) => `QR-Code der Adresse dieser Seite, ${address}`,
  embedIntro: 'Fügen Sie dies einmal in das HTML Ihrer Website ein. Das Siegel zeigt stets Ihr aktuelles Label, geprüft im Browser der Besucher; ohne JavaScript ist es ein Link auf diese Seite.',
  embedFrame: 'Wo Ihr Baukasten oder CMS Skripte entfernt, binden Sie dasselbe Siegel als Frame ein (es erscheint nur auf Ihren eingetragenen Websites):',
  embedImage: 'Für Orte ohne JavaScript, etwa E-Mail-Signaturen oder PDFs, nehmen Sie das Bild:',
  embedPreview: 'Das Bild, wie es jetzt aussieht:',
  helpTitle: 'Warum zeigt mein Siegel „nicht diese Website“?',
  helpOrigin: 'Das Siegel bestätigt das Label nur auf den Websites, die für Ihren Cluster registriert sind. Es vergleicht die Adresse der Seite genau: Schema, Host und Port.',
  helpExamples: 'Daher sind https://www.example.org und https://example.org verschiedene Websites, ebenso http:// und https:// und eine Adresse mit anderem Port. In einem Frame zählt die Adresse der Seite, die den Frame enthält.',
  helpRegistered: 'Für diesen Cluster registrierte Websites:',
  helpFix: 'Fehlt die Website, auf der das Siegel steht, bitten Sie die Programmgeschäftsstelle, ihre genaue Adresse einzutragen (zum Beispiel https://www.example.org).',
  notFoundTitle: 'Cluster nicht gefunden',
  notFound: (id) => `Kein Cluster mit der Kennung „${id}“ ist registriert.`,
  notFoundBadge: 'Hat Sie ein Siegel auf einer Website hierher geführt, so ist dieses Siegel nicht durch das Register gedeckt.',
  errorTitle: 'Etwas stimmt nicht',
  searchRegister: 'Im Register suchen',
  footerIssuer: (issuer) => `Register geführt von ${issuer}.`,
  openData: 'Offene Daten:',
};

export const messages: Record<Lang, Messages> = { en, de };
