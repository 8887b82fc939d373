import { fill, messagesOf } from './i18n.ts';
import { Layout, type PageContext } from './layout.tsx';

/** A real 404 page for an id the register does not know. */
export function ClusterNotFoundPage(props: { page: PageContext; id: string }) {
  const t = messagesOf(props.page.lang);
  return (
    <Layout page={props.page} title={t.notFoundTitle}>
      <h1>{t.notFoundTitle}</h1>
      <p>{fill(t.notFound, { id: props.id })}</p>
      <p>{t.notFoundBadge}</p>
      <p>
        <a href="/clusters">{t.searchRegister}</a>
      </p>
    </Layout>
  );
}

/** Any other error on a page (a bad filter in the address, say), in the same frame. */
export function ErrorPage(props: { page: PageContext; status: number; message: string }) {
  const t = messagesOf(props.page.lang);
  return (
    <Layout page={props.page} title={`${props.status} — ${t.errorTitle}`}>
      <h1>{t.errorTitle}</h1>
      <p>{props.message}</p>
      <p>
        <a href="/clusters">{t.searchRegister}</a>
      </p>
    </Layout>
  );
}
