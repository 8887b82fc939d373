import { Layout, type PageContext } from './layout.tsx';

/** A refusal or a missing page, in the console's own frame: the catalogue's message and a way back. */
export function ConsoleErrorPage(props: { page: PageContext; status: number; message: string }) {
  const { t } = props.page;
  return (
    <Layout page={props.page} title={t.errorTitle(props.status)} notice={{ kind: 'error', text: props.message }}>
      <p>
        <a href={props.page.user ? '/admin' : '/admin/sign-in'}>{props.page.user ? t.backToDashboard : t.signIn}</a>
      </p>
    </Layout>
  );
}
