import { readFileSync } from 'node:fs';

/**
 * The console's one stylesheet: the public register's own (type scale, tables, status
 * signs, buttons), then what only the console has (its bar, forms, notices, cards).
 * Served from /admin so the CSP can stay `style-src 'self'`.
 */
const REGISTER_CSS = readFileSync(new URL('../../assets/register.css', import.meta.url), 'utf8');

const CONSOLE_ONLY = `
.bar { display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; align-items: baseline; max-width: 80rem; margin: 0 auto; padding: 0.75rem 1rem; border-bottom: 1px solid var(--line); }
.bar nav ul, .bar .langs ul { display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; margin: 0; padding: 0; list-style: none; }
.bar .langs { margin-left: auto; }
/* The areas on a line of their own, under the brand, languages and account: all seven fit at 1280 px. */
.bar nav:not(.langs) { order: 1; flex-basis: 100%; }
.bar nav [aria-current] { font-weight: 700; color: var(--ink); }
.signout { display: flex; gap: 0.5rem; align-items: baseline; color: var(--muted); font-size: 0.9rem; }
main { max-width: 80rem; }
.notice { padding: 0.6rem 0.9rem; border: 1px solid; border-radius: 0.25rem; font-weight: 600; }
.notice.success { border-color: var(--valid); color: var(--valid); }
.notice.error { border-color: var(--revoked); color: var(--revoked); }
form.stack { display: grid; gap: 0.75rem; max-width: 36rem; margin: 0.5rem 0 1.5rem; padding: 1rem; border: 1px solid var(--line); border-radius: 0.5rem; }
form.stack label { display: grid; gap: 0.2rem; font-weight: 600; }
form.stack small { color: var(--muted); font-weight: 400; }
form.stack input, form.stack select, form.stack textarea { font: inherit; padding: 0.4rem; border: 1px solid #767676; border-radius: 0.25rem; background: var(--paper); color: var(--ink); }
form.inline { display: inline; }
button.secondary { background: var(--paper); color: var(--link); border: 1px solid var(--link); }
button.danger { background: var(--revoked); }
button.link { background: none; color: var(--link); padding: 0; font-weight: 400; text-decoration: underline; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: 0.75rem; margin: 1rem 0; }
.cards > a { display: block; border: 1px solid var(--line); border-radius: 0.5rem; padding: 0.6rem 0.9rem; text-decoration: none; color: var(--ink); }
.cards .big { display: block; font-size: 1.6rem; font-weight: 700; }
/* The dashboard: one screen at 1280 × 800 (tests/e2e/console.test.ts). */
.overview { display: flex; flex-wrap: wrap; gap: 0.5rem 2rem; align-items: flex-start; }
.overview .cards { margin: 0; }
.overview table { width: auto; margin: 0; }
.overview caption { text-align: left; font-weight: 600; padding-bottom: 0.2rem; white-space: nowrap; }
.overview table.compact th, .overview table.compact td { padding: 0.1rem 0.5rem; }
.queues { display: grid; grid-template-columns: repeat(auto-fill, minmax(22rem, 1fr)); gap: 0.6rem; margin-top: 0.6rem; }
.queues section { border: 1px solid var(--line); border-radius: 0.5rem; padding: 0.4rem 0.75rem; min-width: 0; font-size: 0.85rem; line-height: 1.25; }
.queues h2 { font-size: 0.95rem; margin: 0 0 0.2rem; }
.queues h2 .count { color: var(--muted); font-weight: 400; }
.queues ol { margin: 0; padding: 0; list-style: none; }
.queues li { display: flex; gap: 0.5rem; justify-content: space-between; white-space: nowrap; }
.queues li a { overflow: hidden; text-overflow: ellipsis; }
.queues li span { color: var(--muted); }
.queues p { margin: 0; }
.compact th, .compact td { padding: 0.3rem 0.4rem; font-size: 0.9rem; }
.changes { margin: 0; padding: 0; list-style: none; font-size: 0.9rem; }
.changes del { color: var(--revoked); }
.changes ins { color: var(--valid); text-decoration: none; }
.compare td.differs { font-weight: 700; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
`;

export const CONSOLE_CSS = `${REGISTER_CSS}\n/* The console's own. */\n${CONSOLE_ONLY}`;
