import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import type { User } from '../accounts.ts';
import { roleAllows, type Role } from '../../auth/roles.ts';
import type { LabelStatus, Level } from '../../domain/types.ts';
import { countryName, formatDate, formatNumber } from '../../routes/pages/i18n.ts';
import { CONSOLE_LANGUAGES, type Lang } from '../i18n.ts';
import { registerWords, type ConsoleMessages } from '../i18n.ts';

export interface PageContext {
  user: User | undefined;
  csrfToken: string;
  programmeName: string;
  lang: Lang;
  t: ConsoleMessages;
  /** The page's own address, for the language switch. */
  here: string;
}

export interface Notice {
  kind: 'success' | 'error';
  text: string;
}

const NAV: Array<{ href: string; key: keyof ConsoleMessages['nav']; role: Role }> = [
  { href: '/admin', key: 'dashboard', role: 'viewer' },
  { href: '/admin/clusters', key: 'clusters', role: 'viewer' },
  { href: '/admin/audit', key: 'audit', role: 'viewer' },
  { href: '/admin/reminders', key: 'reminders', role: 'viewer' },
  { href: '/admin/import', key: 'import', role: 'viewer' },
  { href: '/admin/users', key: 'users', role: 'admin' },
  { href: '/admin/tokens', key: 'tokens', role: 'admin' },
  { href: '/admin/keys', key: 'keys', role: 'admin' },
];

const LANGUAGE_NAMES: Record<Lang, string> = { en: 'English', de: 'Deutsch' };

const withLang = (here: string, lang: Lang) => {
  const url = new URL(here, 'http://console');
  url.searchParams.set('lang', lang);
  return `${url.pathname}${url.search}`;
};

/** The console's page frame: no script, one stylesheet, the notice first so a screen reader hears it. */
export function Layout(props: { page: PageContext; title: string; notice?: Notice | undefined; refresh?: number | undefined; children?: Child }) {
  const { user, csrfToken, programmeName, t, lang } = props.page;
  const path = new URL(props.page.here, 'http://console').pathname;
  const current = NAV.filter((item) => path === item.href || (item.href !== '/admin' && path.startsWith(`${item.href}/`)) || path === item.href).at(-1)?.href;
  return (
    <>
      {raw('<!doctype html>')}
      <html lang={lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="robots" content="noindex" />
          {/* A page that follows a job reloads itself: progress without script. */}
          {props.refresh && <meta http-equiv="refresh" content={String(props.refresh)} />}
          <title>{`${props.title} — ${programmeName} · ${t.consoleName}`}</title>
          <link rel="stylesheet" href="/admin/console.css" />
        </head>
        <body>
          <header class="bar">
            <a class="brand" href="/admin">
              {programmeName} · {t.consoleName}
            </a>
            {user && (
              <nav aria-label={t.nav.dashboard}>
                <ul>
                  {NAV.filter((item) => roleAllows(user.role, item.role)).map((item) => (
                    <li>
                      <a href={item.href} aria-current={item.href === current ? 'page' : undefined}>
                        {t.nav[item.key]}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
            )}
            <nav class="langs" aria-label={t.languageNav}>
              <ul>
                {CONSOLE_LANGUAGES.map((l) => (
                  <li>
                    <a href={withLang(props.page.here, l)} lang={l} hreflang={l} aria-current={l === lang ? 'true' : undefined}>
                      {LANGUAGE_NAMES[l]}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
            {user && (
              <form method="post" action="/admin/sign-out" class="signout">
                <input type="hidden" name="csrf" value={csrfToken} />
                <span>
                  {user.email} ({t.roles[user.role]})
                </span>
                <button type="submit" class="link">
                  {t.signOut}
                </button>
              </form>
            )}
          </header>
          <main id="content">
            <h1>{props.title}</h1>
            {props.notice && (
              <p class={`notice ${props.notice.kind}`} role={props.notice.kind === 'error' ? 'alert' : 'status'}>
                {props.notice.text}
              </p>
            )}
            {props.children}
          </main>
        </body>
      </html>
    </>
  );
}

/** A POST form that carries the session's CSRF token (and, for a change to a cluster, the version it was drawn from). */
export function PostForm(props: { page: PageContext; action: string; class?: string; version?: string | undefined; seen?: string | undefined; children?: Child }) {
  return (
    <form method="post" action={props.action} class={props.class}>
      <input type="hidden" name="csrf" value={props.page.csrfToken} />
      {props.version && <input type="hidden" name="version" value={props.version} />}
      {props.seen && <input type="hidden" name="seen" value={props.seen} />}
      {props.children}
    </form>
  );
}

export function Field(props: { label: string; name: string; value?: string | undefined; type?: string; required?: boolean; hint?: string | undefined; autocomplete?: string }) {
  return (
    <label>
      <span>{props.label}</span>
      <input type={props.type ?? 'text'} name={props.name} value={props.value ?? ''} required={props.required ?? false} autocomplete={props.autocomplete} />
      {props.hint && <small>{props.hint}</small>}
    </label>
  );
}

export function TextArea(props: { label: string; name: string; value?: string | undefined; required?: boolean; hint?: string | undefined; rows?: number }) {
  return (
    <label>
      <span>{props.label}</span>
      <textarea name={props.name} rows={props.rows ?? 3} required={props.required ?? false}>
        {props.value ?? ''}
      </textarea>
      {props.hint && <small>{props.hint}</small>}
    </label>
  );
}

/** A choice among `options`, each `[value, text]`; `empty` adds a first option for "any" or "choose". */
export function Select(props: { label: string; name: string; options: ReadonlyArray<readonly [string, string]>; value?: string | undefined; empty?: string; required?: boolean; hint?: string | undefined }) {
  return (
    <label>
      <span>{props.label}</span>
      <select name={props.name} required={props.required ?? false}>
        {props.empty !== undefined && <option value="">{props.empty}</option>}
        {props.options.map(([value, text]) => (
          <option value={value} selected={value === props.value}>
            {text}
          </option>
        ))}
      </select>
      {props.hint && <small>{props.hint}</small>}
    </label>
  );
}

// ── the register's way of writing things ────────────────────────────────

/** Every ISO 3166-1 alpha-2 code the runtime has a name for. */
const COUNTRY_CODES = (() => {
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const codes: string[] = [];
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      // Exceptionally reserved and user-assigned codes have names too: not countries.
      if (['EU', 'EZ', 'UN', 'QO', 'XA', 'XB', 'XK', 'ZZ'].includes(code)) continue;
      if (names.of(code)) codes.push(code);
    }
  }
  return codes;
})();

const countryOptions = new Map<Lang, Array<readonly [string, string]>>();

/** Countries by their names in the page's language, sorted as that language sorts. */
export function countries(lang: Lang): ReadonlyArray<readonly [string, string]> {
  let options = countryOptions.get(lang);
  if (!options) {
    const collator = new Intl.Collator(lang);
    options = COUNTRY_CODES.map((code) => [code, countryName(code, lang)] as const).sort((a, b) => collator.compare(a[1], b[1]));
    countryOptions.set(lang, options);
  }
  return options;
}

export const levelName = (page: PageContext, level: Level) => registerWords(page.lang).levels[level];
export const statusName = (page: PageContext, status: LabelStatus) => registerWords(page.lang).historyStatuses[status];
export const date = (page: PageContext, iso: string | null | undefined) => (iso ? formatDate(iso, page.lang) : '');
export const number = (page: PageContext, n: number) => formatNumber(n, page.lang);
export const country = (page: PageContext, code: string) => countryName(code, page.lang);
/** An instant as the office reads it: date and minute, UTC. */
export const instant = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;

/** The register's status sign and word: `valid`, `expired`, `revoked` or `none` look as on the public pages. */
export function StatusText(props: { page: PageContext; status: LabelStatus | 'none' }) {
  const sign = props.status === 'withdrawn' || props.status === 'superseded' ? 'expired' : props.status;
  const text = props.status === 'none' ? props.page.t.noLabel : statusName(props.page, props.status);
  return <span class={`status status-${sign}`}>{text}</span>;
}
