import { Layout, type Notice, type PageContext } from './layout.tsx';

/** The sign-in form; its token is the pre-session one from the sign-in cookie. */
export function SignInPage(props: { page: PageContext; email?: string; notice?: Notice | undefined }) {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t.signIn} notice={props.notice}>
      <form method="post" action="/admin/sign-in" class="stack">
        <input type="hidden" name="csrf" value={props.page.csrfToken} />
        <label>
          <span>{t.email}</span>
          <input type="email" name="email" value={props.email ?? ''} autocomplete="username" required />
        </label>
        <label>
          <span>{t.password}</span>
          <input type="password" name="password" autocomplete="current-password" required />
        </label>
        <button type="submit">{t.signIn}</button>
      </form>
    </Layout>
  );
}
