import type { PublicKeyInfo } from '../../keys/keyring.ts';
import type { User } from '../accounts.ts';
import { ROLES } from '../../auth/roles.ts';
import { date, Field, instant, Layout, PostForm, Select, type Notice, type PageContext } from './layout.tsx';

export function UsersPage(props: { page: PageContext; users: User[]; values: Record<string, string>; notice?: Notice | undefined }) {
  const { page } = props;
  const { t } = page;
  return (
    <Layout page={page} title={t.accounts} notice={props.notice}>
      <table>
        <thead>
          <tr><th>{t.email}</th><th>{t.role}</th><th>{t.created}</th><th>{t.state}</th><th></th></tr>
        </thead>
        <tbody>
          {props.users.map((user) => (
            <tr>
              <td>{user.email}</td>
              <td>{t.roles[user.role]}</td>
              <td>{date(page, user.createdAt)}</td>
              <td>{user.disabledAt ? t.disabledOn(date(page, user.disabledAt)) : t.active}</td>
              <td>
                {!user.disabledAt && user.id !== page.user?.id && (
                  <PostForm page={page} action={`/admin/users/${user.id}/disable`} class="inline">
                    <button type="submit" class="danger">{t.disable}</button>
                  </PostForm>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t.createAccount}</h2>
      <PostForm page={page} action="/admin/users" class="stack">
        <Field label={t.email} name="email" type="email" value={props.values.email} required />
        <Select label={t.role} name="role" options={ROLES.map((r) => [r, t.roles[r]] as const)} value={props.values.role ?? 'viewer'} />
        <Field label={t.initialPassword} name="password" type="password" required autocomplete="new-password" hint={t.initialPasswordHint} />
        <button type="submit">{t.create}</button>
      </PostForm>
    </Layout>
  );
}

export function KeysPage(props: { page: PageContext; keys: PublicKeyInfo[]; notice?: Notice | undefined }) {
  const { page } = props;
  const { t } = page;
  const hasNext = props.keys.some((k) => k.state === 'next');
  return (
    <Layout page={page} title={t.keys} notice={props.notice}>
      <table>
        <thead>
          <tr>
            {t.keyColumns.map((column) => (
              <th>{column}</th>
            ))}
            <th></th>
          </tr>
        </thead>
        <tbody>
          {props.keys.map((key) => (
            <tr>
              <td><code>{key.kid}</code></td>
              <td>{key.state}</td>
              <td>{instant(key.createdAt)}</td>
              <td>{key.activatedAt ? instant(key.activatedAt) : ''}</td>
              <td>{key.revokedAt ?? key.retiredAt ? instant((key.revokedAt ?? key.retiredAt)!) : ''}</td>
              <td>
                {key.state !== 'revoked' && (
                  <PostForm page={page} action={`/admin/keys/${key.kid}/revoke`} class="inline">
                    <label>
                      <span>
                        <input type="checkbox" name="confirm" value="yes" required /> {t.compromised}
                      </span>
                    </label>
                    <button type="submit" class="danger">{t.revokeKey}</button>
                  </PostForm>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{t.rotation}</h2>
      <p>{hasNext ? t.rotationNext : t.rotationSteps}</p>
      <PostForm page={page} action="/admin/keys/rotate" class="stack">
        <button type="submit">{hasNext ? t.activateNext : t.publishNext}</button>
      </PostForm>
    </Layout>
  );
}
