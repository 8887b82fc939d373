import { REGISTER_PAGE_SIZE } from '../../contract/public.ts';
import { LEVELS } from '../../domain/types.ts';
import { SORTS, STATUSES, type SearchQuery, type SearchResult } from '../../registry/search.ts';
import { countryName, fill, formatDate, formatNumber, intlLocale, messagesOf, plural } from './i18n.ts';
import { Layout, Status, type PageContext } from './layout.tsx';

/** The query's filters as URL parameters, so every view of the register is a bookmarkable address. */
export function registerParams(query: SearchQuery, page?: number): URLSearchParams {
  const params = new URLSearchParams();
  if (query.text) params.set('q', query.text);
  if (query.country) params.set('country', query.country);
  if (query.scheme) params.set('scheme', query.scheme);
  if (query.level) params.set('level', query.level);
  if (query.status) params.set('status', query.status);
  if (query.sort !== 'name') params.set('sort', query.sort);
  if (query.pageSize !== REGISTER_PAGE_SIZE) params.set('pageSize', String(query.pageSize));
  if (page !== undefined && page > 1) params.set('page', String(page));
  return params;
}

const withParams = (path: string, params: URLSearchParams) => (params.size ? `${path}?${params}` : path);

/** `GET /clusters`: the search form, one page of results, and the way to the next. */
export function RegisterPage(props: { page: PageContext; query: SearchQuery; result: SearchResult; countries: string[] }) {
  const { page, query, result } = props;
  const { lang } = page;
  const t = messagesOf(lang);
  const pages = Math.max(1, Math.ceil(result.total / query.pageSize));
  const countries = props.countries.map((code) => ({ code, name: countryName(code, lang) })).sort((a, b) => a.name.localeCompare(b.name, intlLocale(lang)));
  const filters = registerParams(query);
  return (
    <Layout page={page} title={t.registerTitle}>
      <h1>{t.registerTitle}</h1>
      <p class="lede">{fill(t.registerIntro, { programme: page.programmeName, issuer: page.issuerName })}</p>

      <form class="filters" method="get" action="/clusters" role="search">
        <fieldset>
          <legend>{t.searchLegend}</legend>
          {/* The form offers no choice of scheme yet: one asked for in the address is kept. */}
          {query.scheme && <input type="hidden" name="scheme" value={query.scheme} />}
          <div class="fields">
            <div>
              <label for="q">{t.name}</label>
              <input id="q" name="q" type="search" value={query.text ?? ''} maxlength={200} />
            </div>
            <div>
              <label for="country">{t.country}</label>
              <select id="country" name="country">
                <option value="">{t.anyCountry}</option>
                {countries.map((country) => (
                  <option value={country.code} selected={country.code === query.country}>
                    {country.name}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label for="level">{t.level}</label>
              <select id="level" name="level">
                <option value="">{t.anyLevel}</option>
                {LEVELS.map((level) => (
                  <option value={level} selected={level === query.level}>
                    {t.levels[level]}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label for="status">{t.status}</label>
              <select id="status" name="status">
                <option value="">{t.anyStatus}</option>
                {STATUSES.map((status) => (
                  <option value={status} selected={status === query.status}>
                    {t.statuses[status]}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label for="sort">{t.sortBy}</label>
              <select id="sort" name="sort">
                {SORTS.map((sort) => (
                  <option value={sort} selected={sort === query.sort}>
                    {t.sorts[sort]}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div class="actions">
            <button type="submit">{t.search}</button>
            {filters.size > 0 && <a href="/clusters">{t.reset}</a>}
          </div>
        </fieldset>
      </form>

      <div class="summary">
        <p>
          <strong>{plural(intlLocale(lang), t.found, result.total, formatNumber(result.total, lang))}</strong>
          {result.total > 0 && ` · ${fill(t.pageOf, { page: formatNumber(query.page, lang), pages: formatNumber(pages, lang) })}`}
        </p>
        <p class="data">
          {t.download} <a href={withParams('/v1/clusters.csv', filters)}>CSV</a> · <a href={withParams('/v1/clusters', filters)}>JSON</a>
        </p>
      </div>

      {result.items.length === 0 ? (
        <p>{result.total === 0 ? t.noMatch : t.pastEnd}</p>
      ) : (
        <table class="cards">
          <caption>{t.results}</caption>
          <thead>
            <tr>
              <th scope="col">{t.cluster}</th>
              <th scope="col">{t.country}</th>
              <th scope="col">{t.portfolio}</th>
              <th scope="col">{t.label}</th>
              <th scope="col">{t.status}</th>
              <th scope="col">{t.validUntil}</th>
            </tr>
          </thead>
          <tbody>
            {result.items.map(({ cluster, label }) => (
              <tr>
                <th scope="row">
                  <a href={`/clusters/${cluster.id}`}>{cluster.name}</a>
                  {cluster.organisation && <span class="sub">{cluster.organisation}</span>}
                </th>
                <td data-label={t.country}>{countryName(cluster.country, lang)}</td>
                <td data-label={t.portfolio}>{cluster.portfolio}</td>
                <td data-label={t.label}>{label.level ? t.levels[label.level] : '–'}</td>
                <td data-label={t.status}>
                  <Status status={label.status} text={t.statuses[label.status]} />
                </td>
                <td data-label={t.validUntil}>{label.validUntil ? <time datetime={label.validUntil}>{formatDate(label.validUntil, lang)}</time> : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {pages > 1 && (
        <nav class="pager" aria-label={t.pages}>
          <ul>
            {query.page > 1 && (
              <li>
                <a href={withParams('/clusters', registerParams(query, Math.min(query.page - 1, pages)))} rel="prev">
                  {t.previous}
                </a>
              </li>
            )}
            {query.page < pages && (
              <li>
                <a href={withParams('/clusters', registerParams(query, query.page + 1))} rel="next">
                  {t.next}
                </a>
              </li>
            )}
          </ul>
        </nav>
      )}
    </Layout>
  );
}
