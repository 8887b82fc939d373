import { raw } from 'hono/html';
import { utcDate } from '../../domain/dates.ts';
import { tokenStatus } from '../../domain/labels.ts';
import { effectiveStatus, type Localised, type Scheme } from '../../domain/schemes.ts';
import type { Cluster, Label, Level, TokenStatus } from '../../domain/types.ts';
import { countryName, fill, formatDate, fullLabelName, messagesOf, type Lang } from './i18n.ts';
import { Layout, Status, type PageContext } from './layout.tsx';
import { qrSvg } from './qr.ts';

/** A label the cluster ever held in a scheme other than the ECEI's, oldest first. */
export interface SchemeHistory {
  scheme: Scheme;
  labels: Label[];
}

/**
 * `GET /clusters/{id}`: what the register says of one cluster, in a sentence no one can misread.
 * The ECEI label first, as the page always spoke of it; then each other scheme's.
 */
export function ClusterPage(props: { page: PageContext; cluster: Cluster; labels: Label<Level>[]; others: SchemeHistory[]; now: Date }) {
  const { page, cluster, labels, others, now } = props;
  const { lang } = page;
  const t = messagesOf(lang);
  const date = (iso: string) => <time datetime={iso.slice(0, 10)}>{formatDate(iso, lang)}</time>;
  const current = labels.at(-1);
  const status = tokenStatus(current, now);
  const address = `${page.publicUrl}/clusters/${cluster.id}`;

  let statement: string;
  if (!current) statement = fill(t.statement.none, { name: cluster.name });
  else if (status === 'valid') statement = fill(t.statement.valid, { name: cluster.name, label: fullLabelName(page.programmeName, current.level), until: formatDate(current.validUntil, lang) });
  else if (status === 'revoked') statement = fill(t.statement.revoked, { name: cluster.name, level: t.levels[current.level], on: formatDate(current.revokedAt!, lang) });
  else statement = fill(t.statement.expired, { name: cluster.name, level: t.levels[current.level], until: formatDate(current.validUntil, lang) });

  return (
    <Layout page={page} title={cluster.name}>
      <h1>{cluster.name}</h1>
      <section class={`statement statement-${status}`} aria-labelledby="verdict">
        <p id="verdict">
          <Status status={status} text={`${t.statuses[status]}:`} /> {statement}
        </p>
        {status === 'expired' && <p class="notice">{t.expiredNotice}</p>}
        {status === 'revoked' && current && (
          <>
            <p class="notice">{t.revokedNotice}</p>
            <p class="notice">
              <strong>{t.reason}:</strong> {current.publicReason}
            </p>
          </>
        )}
        <p class="asof">{fill(t.asOf, { date: formatDate(utcDate(now), lang) })}</p>
      </section>

      <h2>{t.about}</h2>
      <dl>
        <dt>{t.organisation}</dt>
        <dd>{cluster.organisation || '–'}</dd>
        <dt>{t.country}</dt>
        <dd>{countryName(cluster.country, lang)}</dd>
        <dt>{t.portfolio}</dt>
        <dd>{cluster.portfolio || '–'}</dd>
        <dt>{t.websites}</dt>
        <dd>
          {cluster.sites.length === 0 ? (
            t.noWebsites
          ) : (
            <ul>
              {cluster.sites.map((site) => (
                <li>
                  <a href={site} rel="nofollow noopener">
                    {site}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </dd>
        <dt>{t.clusterId}</dt>
        <dd>
          <code>{cluster.id}</code>
        </dd>
      </dl>

      {current && (
        <>
          <h2>{t.currentLabel}</h2>
          <LabelFacts lang={lang} label={current} status={status} levelName={(level) => t.levels[level]} fullName={fullLabelName(page.programmeName, current.level)} />
        </>
      )}

      {status === 'valid' && (
        <section class="credentials" aria-labelledby="credentials">
          <h2 id="credentials">{t.credentialsTitle}</h2>
          <p>{t.credentialsIntro}</p>
          <ul>
            <li>
              <a href={`/v1/clusters/${cluster.id}/credentials/vc-jwt`} download>
                {t.credentialsOpenBadge}
              </a>
            </li>
            <li>
              <a href={`/v1/clusters/${cluster.id}/credentials/sd-jwt-vc`} download>
                {t.credentialsSdJwt}
              </a>
            </li>
          </ul>
          <p>
            <a href="/verify">{t.credentialsVerify}</a>
          </p>
        </section>
      )}

      <h2>{t.history}</h2>
      {labels.length === 0 ? (
        <p>{t.noHistory}</p>
      ) : (
        <HistoryTable lang={lang} caption={t.historyCaption} labels={labels} levelName={(level) => t.levels[level]} now={now} />
      )}

      {others.map((held) => (
        <SchemeLabels lang={lang} held={held} now={now} />
      ))}

      <h2>{t.whoTitle}</h2>
      <p>{fill(t.whoIssuer, { issuer: page.issuerName })}</p>
      <p>{fill(t.whoCheck, { address })}</p>

      <figure class="qr-code">
        {raw(qrSvg(address, fill(t.qrLabel, { address })))}
        <figcaption>{address}</figcaption>
      </figure>

      <p class="for-website">
        <a href={`/clusters/${cluster.id}/website`}>{t.websiteLink}</a>
      </p>
    </Layout>
  );
}

const localised = (text: Localised, lang: Lang) => text[lang] ?? text.en;

/** One other scheme's current label and its history, in the scheme's own names for it and its levels. */
function SchemeLabels(props: { lang: Lang; held: SchemeHistory; now: Date }) {
  const { lang, held, now } = props;
  const { scheme, labels } = held;
  const t = messagesOf(lang);
  const levelName = (id: string) => {
    const level = scheme.levels.find((l) => l.id === id);
    return level ? localised(level.name, lang) : id;
  };
  const current = labels.at(-1);
  const status = tokenStatus(current, now);
  const name = localised(scheme.name, lang);
  return (
    <section class="scheme" aria-labelledby={`scheme-${scheme.id}`} data-scheme={scheme.id}>
      <h2 id={`scheme-${scheme.id}`}>{name}</h2>
      <p>{fill(t.whoIssuer, { issuer: scheme.issuer })}</p>
      {current && <LabelFacts lang={lang} label={current} status={status} levelName={levelName} withReason />}
      <HistoryTable lang={lang} caption={`${name}: ${t.history}`} labels={labels} levelName={levelName} now={now} />
    </section>
  );
}

/**
 * A current label's facts: level, dates, status and, when revoked, the day. The ECEI
 * label adds its full name first; its public reason stands in the page's verdict above,
 * another scheme's beside its revocation day.
 */
function LabelFacts<L extends string>(props: { lang: Lang; label: Label<L>; status: TokenStatus; levelName: (level: L) => string; fullName?: string; withReason?: boolean }) {
  const { lang, label, status, levelName, fullName, withReason } = props;
  const t = messagesOf(lang);
  const date = (iso: string) => <time datetime={iso.slice(0, 10)}>{formatDate(iso, lang)}</time>;
  return (
    <dl>
      {fullName !== undefined && (
        <>
          <dt>{t.label}</dt>
          <dd>{fullName}</dd>
        </>
      )}
      <dt>{t.level}</dt>
      <dd>{levelName(label.level)}</dd>
      <dt>{t.awarded}</dt>
      <dd>{date(label.awarded)}</dd>
      <dt>{t.validUntil}</dt>
      <dd>{date(label.validUntil)}</dd>
      <dt>{t.status}</dt>
      <dd>
        <Status status={status} text={t.statuses[status]} />
      </dd>
      {status === 'revoked' && label.revokedAt && (
        <>
          <dt>{t.revokedOn}</dt>
          <dd>{date(label.revokedAt)}</dd>
          {withReason && (
            <>
              <dt>{t.reason}</dt>
              <dd>{label.publicReason}</dd>
            </>
          )}
        </>
      )}
    </dl>
  );
}

/** A scheme's labels of the cluster, oldest first, each with its level's name and its status today. */
function HistoryTable<L extends string>(props: { lang: Lang; caption: string; labels: Label<L>[]; levelName: (level: L) => string; now: Date }) {
  const { lang, caption, labels, levelName, now } = props;
  const t = messagesOf(lang);
  const date = (iso: string) => <time datetime={iso.slice(0, 10)}>{formatDate(iso, lang)}</time>;
  return (
    <table class="cards">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t.level}</th>
          <th scope="col">{t.awarded}</th>
          <th scope="col">{t.validUntil}</th>
          <th scope="col">{t.status}</th>
        </tr>
      </thead>
      <tbody>
        {labels.map((label) => (
          <tr>
            <th scope="row">{levelName(label.level)}</th>
            <td data-label={t.awarded}>{date(label.awarded)}</td>
            <td data-label={t.validUntil}>{date(label.validUntil)}</td>
            <td data-label={t.status}>{t.historyStatuses[effectiveStatus(label, now)]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
