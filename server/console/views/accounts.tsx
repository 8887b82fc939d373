import type { PublicKeyInfo } from '../../keys/keyring.ts';
import type { User } from '../accounts.ts';
import { ROLES } from '../../auth/roles.ts';
import { Field, Layout, PostForm, Select, type Notice, type PageContext } from './layout.tsx';

export function UsersPage(props: { page: PageContext; users: User[]; values: Record<string, string>; notice?: Notice | undefined }) {
  return (
    <Layout page={props.page} title="Accounts" notice={props.notice}>
      <table>
        <thead>
          <tr><th>E-mail</th><th>Role</th><th>Created</th><th>State</th><th></th></tr>
        </thead>
        <tbody>
          {props.users.map((user) => (
            <tr>
              <td>{user.email}</td>
              <td>{user.role}</td>
              <td>{user.createdAt.slice(0, 10)}</td>
              <td>{user.disabledAt ? `disabled ${user.disabledAt.slice(0, 10)}` : 'active'}</td>
              <td>
                {!user.disabledAt && user.id !== props.page.user?.id && (
                  <PostForm page={props.page} action={`/admin/users/${user.id}/disable`} class="inline">
                    <button type="submit" class="danger">Disable</button>
                  </PostForm>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Create an account</h2>
      <PostForm page={props.page} action="/admin/users" class="stack">
        <Field label="E-mail" name="email" type="email" value={props.values.email} required />
        <Select label="Role" name="role" options={ROLES} value={props.values.role ?? 'viewer'} />
        <Field label="Initial password" name="password" type="password" required autocomplete="new-password" hint="At least 12 characters; hand it over in person or by phone." />
        <button type="submit">Create</button>
      </PostForm>
    </Layout>
  );
}

export function KeysPage(props: { page: PageContext; keys: PublicKeyInfo[]; notice?: Notice | undefined }) {
  const hasNext = props.keys.some((k) => k.state === 'next');
  return (
    <Layout page={props.page} title="Signing keys" notice={props.notice}>
      <table>
        <thead>
          <tr><th>Key id</th><th>State</th><th>Created</th><th>Signing since</th><th>Retired / revoked</th><th></th></tr>
        </thead>
        <tbody>
          {props.keys.map((key) => (
            <tr>
              <td><code>{key.kid}</code></td>
              <td>{key.state}</td>
              <td>{key.createdAt.slice(0, 16)}</td>
              <td>{key.activatedAt?.slice(0, 16) ?? ''}</td>
              <td>{(key.revokedAt ?? key.retiredAt)?.slice(0, 16) ?? ''}</td>
              <td>
                {key.state !== 'revoked' && (
                  <PostForm page={props.page} action={`/admin/keys/${key.kid}/revoke`} class="inline">
                    <label>
                      <span>
                        <input type="checkbox" name="confirm" value="yes" required /> compromised
                      </span>
                    </label>
                    <button type="submit" class="danger">Revoke now</button>
                  </PostForm>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Rotation</h2>
      <p>
        {hasNext
          ? 'A next key is published. Once every cached key set has it (about six minutes after publishing), activate it: it starts signing and the current key retires.'
          : 'Rotation has two steps: publish a next key now, activate it a few minutes later.'}
      </p>
      <PostForm page={props.page} action="/admin/keys/rotate" class="stack">
        <button type="submit">{hasNext ? 'Activate the next key' : 'Publish a next key'}</button>
      </PostForm>
    </Layout>
  );
}
