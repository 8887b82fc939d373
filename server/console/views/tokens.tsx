import type { ApiTokenInfo } from '../../auth/index.ts';
import { ROLES } from '../../auth/roles.ts';
import { date, Field, Layout, PostForm, Select, type Notice, type PageContext } from './layout.tsx';

export function TokensPage(props: { page: PageContext; tokens: ApiTokenInfo[]; values: Record<string, string>; secret: { name: string; value: string } | undefined; notice?: Notice | undefined }) {
  const { page } = props;
  const { t } = page;
  return (
    <Layout page={page} title={t.apiTokens} notice={props.notice}>
      {props.secret && (
        <section>
          <h2>{t.tokenSecret(props.secret.name)}</h2>
          <pre>{props.secret.value}</pre>
          <p>{t.tokenUse}</p>
        </section>
      )}
      <table>
        <thead>
          <tr><th>{t.name}</th><th>{t.role}</th><th>{t.created}</th><th>{t.state}</th><th></th></tr>
        </thead>
        <tbody>
          {props.tokens.map((token) => (
            <tr>
              <td>{token.name}</td>
              <td>{t.roles[token.role]}</td>
              <td>{date(page, token.createdAt)}</td>
              <td>{token.revokedAt ? t.revokedOn(date(page, token.revokedAt)) : t.active}</td>
              <td>
                {!token.revokedAt && (
                  <PostForm page={page} action={`/admin/tokens/${token.name}/revoke`} class="inline">
                    <button type="submit" class="danger">{t.revokeToken}</button>
                  </PostForm>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t.createToken}</h2>
      <PostForm page={page} action="/admin/tokens" class="stack">
        <Field label={t.name} name="name" value={props.values.name} required hint={t.tokenNameHint} />
        <Select label={t.role} name="role" options={ROLES.map((r) => [r, t.roles[r]] as const)} value={props.values.role ?? 'viewer'} />
        <button type="submit">{t.create}</button>
      </PostForm>
    </Layout>
  );
}
