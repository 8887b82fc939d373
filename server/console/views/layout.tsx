import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import type { User } from '../accounts.ts';
import { roleAllows, type Role } from '../../auth/roles.ts';

export interface PageContext {
  user: User | undefined;
  csrfToken: string;
  programmeName: string;
}

export interface Notice {
  kind: 'success' | 'error';
  text: string;
}

const NAV: Array<{ href: string; label: string; role: Role }> = [
  { href: '/admin', label: 'Dashboard', role: 'viewer' },
  { href: '/admin/clusters', label: 'Clusters', role: 'viewer' },
  { href: '/admin/audit', label: 'Audit log', role: 'viewer' },
  { href: '/admin/reminders', label: 'Reminders', role: 'viewer' },
  { href: '/admin/import', label: 'Import / export', role: 'viewer' },
  { href: '/admin/users', label: 'Accounts', role: 'admin' },
  { href: '/admin/tokens', label: 'API tokens', role: 'admin' },
  { href: '/admin/keys', label: 'Keys', role: 'admin' },
];

/** The console's page frame: no script, one stylesheet, the notice first so a screen reader hears it. */
export function Layout(props: { page: PageContext; title: string; notice?: Notice | undefined; refresh?: number | undefined; children?: Child }) {
  const { user, csrfToken, programmeName } = props.page;
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="robots" content="noindex" />
          {/* A page that follows a job reloads itself: progress without script. */}
          {props.refresh && <meta http-equiv="refresh" content={String(props.refresh)} />}
          <title>{`${props.title} — ${programmeName} console`}</title>
          <link rel="stylesheet" href="/admin/console.css" />
        </head>
        <body>
          <header class="bar">
            <a class="brand" href="/admin">{programmeName} · office console</a>
            {user && (
              <nav aria-label="Console">
                {NAV.filter((item) => roleAllows(user.role, item.role)).map((item) => (
                  <a href={item.href}>{item.label}</a>
                ))}
              </nav>
            )}
            {user && (
              <form method="post" action="/admin/sign-out" class="signout">
                <input type="hidden" name="csrf" value={csrfToken} />
                <span>
                  {user.email} ({user.role})
                </span>
                <button type="submit">Sign out</button>
              </form>
            )}
          </header>
          <main>
            <h1>{props.title}</h1>
            {props.notice && (
              <p class={`notice ${props.notice.kind}`} role={props.notice.kind === 'error' ? 'alert' : 'status'}>
                {props.notice.text}
              </p>
            )}
            {props.children}
          </main>
        </body>
      </html>
    </>
  );
}

/** A POST form that carries the session's CSRF token. */
export function PostForm(props: { page: PageContext; action: string; class?: string; children?: Child }) {
  return (
    <form method="post" action={props.action} class={props.class}>
      <input type="hidden" name="csrf" value={props.page.csrfToken} />
      {props.children}
    </form>
  );
}

export function Field(props: { label: string; name: string; value?: string | undefined; type?: string; required?: boolean; hint?: string; autocomplete?: string }) {
  return (
    <label>
      <span>{props.label}</span>
      <input type={props.type ?? 'text'} name={props.name} value={props.value ?? ''} required={props.required ?? false} autocomplete={props.autocomplete} />
      {props.hint && <small>{props.hint}</small>}
    </label>
  );
}

export function TextArea(props: { label: string; name: string; value?: string | undefined; required?: boolean; hint?: string; rows?: number }) {
  return (
    <label>
      <span>{props.label}</span>
      <textarea name={props.name} rows={props.rows ?? 3} required={props.required ?? false}>
        {props.value ?? ''}
      </textarea>
      {props.hint && <small>{props.hint}</small>}
    </label>
  );
}

export function Select(props: { label: string; name: string; options: readonly string[]; value?: string | undefined }) {
  return (
    <label>
      <span>{props.label}</span>
      <select name={props.name}>
        {props.options.map((option) => (
          <option value={option} selected={option === props.value}>
            {option}
          </option>
        ))}
      </select>
    </label>
  );
}
