import { html, nothing, type TemplateResult } from 'lit/html.js';
import type { Verdict } from '../check.ts';
import { markText, type Shown } from './face.ts';
import { fill, shortDate, shortTime, type Locale, type Result, type Step } from './i18n.ts';
import { icon } from './icons.ts';
import { seal } from './seal.ts';
import { STEPS, stepResults } from './steps.ts';

const RESULT_ICON = { passed: 'valid', failed: 'invalid', skipped: 'unknown' } as const satisfies Record<Result, string>;

export interface DialogModel {
  readonly verdict: Verdict;
  readonly shown: Shown;
  readonly locale: Locale;
  readonly issuer: string;
  readonly cluster: string;
  readonly pageOrigin: string;
}

/**
 * The contents of the verification dialog, verdict first: what the badge says and what that
 * means for the visitor, who checked it (the issuer's host, large: it is what a visitor should
 * remember), the label's facts when one is shown (for a scheme other than the ECEI's, with the
 * scheme's name and who awards it), the link to the issuer's own page, and —
 * behind a disclosure — each check with its key id and times.
 */
export function dialogBody({ verdict, shown, locale, issuer, cluster, pageOrigin }: DialogModel): TemplateResult {
  const { t } = locale;
  const host = new URL(issuer).host;
  const { label } = verdict;
  const date = (d: string | undefined) => (d ? shortDate(locale, d) : '');
  const results = stepResults(verdict);
  const details: Readonly<Record<Step, string>> = {
    signature: verdict.kid ? fill(t.keyId, { kid: verdict.kid }) : '',
    issuer: host,
    cluster,
    validity: verdict.claims ? fill(t.tokenUntil, { time: shortTime(locale, verdict.claims.exp * 1000) }) : '',
    freshness: verdict.state === 'loading' ? '' : fill(t.checkedAt, { time: shortTime(locale, verdict.checkedAt) }),
    website: pageOrigin,
  };
  const row = (term: string, value: string | undefined) => (value ? html`<dt>${term}</dt><dd>${value}</dd>` : nothing);
  return html`<header>
      ${seal(verdict.state, shown.look ?? null)}
      <div>
        <h2 id="title" class="s-${verdict.state}">${icon(verdict.state)}<span>${markText(verdict, locale)}</span></h2>
        <p class="meaning">${t.meaning[verdict.state]}</p>
      </div>
    </header>
    <p class="issuer">${t.checkedWith}<strong>${host}</strong></p>
    ${shown.level && label && verdict.claims
      ? html`<dl>
          ${row(t.cluster, verdict.claims.cluster.name)} ${row(t.label, shown.fullName)} ${row(t.steps.issuer, shown.issuer)}
          ${row(t.awarded, date(label.awarded))} ${row(t.validUntil, date(label.validUntil))}
          ${row(t.revokedAt, date(label.revokedAt?.slice(0, 10)))} ${row(t.reason, label.reason)}
        </dl>`
      : nothing}
    ${verdict.log
      ? html`<p><a href="${issuer}/v1/log" target="_blank" rel="noopener noreferrer">${fill(t.inLog, { n: (verdict.log.index + 1).toLocaleString(t.intl), m: verdict.log.size.toLocaleString(t.intl) })}</a></p>`
      : nothing}
    <details>
      <summary>${t.checks}</summary>
      <ul>
        ${STEPS.map(
          (step) =>
            html`<li class=${results[step]}>
              ${icon(RESULT_ICON[results[step]])}<span><strong>${t.steps[step]}</strong>: ${t.results[results[step]]}</span>
              <span class="detail">${results[step] === 'skipped' ? '' : details[step]}</span>
            </li>`,
        )}
      </ul>
    </details>
    <div class="actions">
      <a part="link" href="${issuer}/clusters/${encodeURIComponent(cluster)}" target="_blank" rel="noopener noreferrer">${fill(t.confirm, { host })}</a>
      <button class="close" type="button" autofocus>${t.close}</button>
    </div>`;
}
