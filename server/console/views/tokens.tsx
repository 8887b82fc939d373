import type { ApiTokenInfo } from '../../auth/index.ts';
import { ROLES } from '../../auth/roles.ts';
import { Field, Layout, PostForm, Select, type Notice, type PageContext } from './layout.tsx';

export function TokensPage(props: { page: PageContext; tokens: ApiTokenInfo[]; values: Record<string, string>; secret: { name: string; value: string } | undefined; notice?: Notice | undefined }) {
  return (
    <Layout page={props.page} title="API tokens" notice={props.notice}>
      {props.secret && (
        <section>
          <h2>The secret of "{props.secret.name}"</h2>
          <pre>{props.secret.value}</pre>
          <p>Send it as <code>Authorization: Bearer …</code>. Only its hash is kept.</p>
        </section>
      )}
      <table>
        <thead>
          <tr><th>Name</th><th>Role</th><th>Created</th><th>State</th><th></th></tr>
        </thead>
        <tbody>
          {props.tokens.map((token) => (
            <tr>
              <td>{token.name}</td>
              <td>{token.role}</td>
              <td>{token.createdAt.slice(0, 10)}</td>
              <td>{token.revokedAt ? `revoked ${token.revokedAt.slice(0, 10)}` : 'active'}</td>
              <td>
                {!token.revokedAt && (
                  <PostForm page={props.page} action={`/admin/tokens/${token.name}/revoke`} class="inline">
                    <button type="submit" class="danger">Revoke</button>
                  </PostForm>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Create a token</h2>
      <PostForm page={props.page} action="/admin/tokens" class="stack">
        <Field label="Name" name="name" value={props.values.name} required hint="Lowercase, e.g. crm-sync. Names are never reused." />
        <Select label="Role" name="role" options={ROLES} value={props.values.role ?? 'viewer'} />
        <button type="submit">Create</button>
      </PostForm>
    </Layout>
  );
}
