import { Layout, type Notice, type PageContext } from './layout.tsx';

/** The sign-in form; its token is the pre-session one from the sign-in cookie. */
export function SignInPage(props: { page: PageContext; email?: string; notice?: Notice | undefined }) {
  return (
    <Layout page={props.page} title="Sign in" notice={props.notice}>
      <form method="post" action="/admin/sign-in" class="stack">
        <input type="hidden" name="csrf" value={props.page.csrfToken} />
        <label>
          <span>E-mail</span>
          <input type="email" name="email" value={props.email ?? ''} autocomplete="username" required />
        </label>
        <label>
          <span>Password</span>
          <input type="password" name="password" autocomplete="current-password" required />
        </label>
        <button type="submit">Sign in</button>
      </form>
    </Layout>
  );
}
