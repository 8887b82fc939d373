import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { fail } from '../errors.ts';
import { actorOf, noticeOf, pageOf, type ConsoleContext, type ConsoleDeps, type ConsoleEnv } from './context.ts';
import { failure, formOf } from './forms.ts';
import { guard } from './guard.ts';
import { KeysPage, UsersPage } from './views/accounts.tsx';
import type { Notice } from './views/layout.tsx';
import { TokensPage } from './views/tokens.tsx';

/** Accounts, API tokens and signing keys: the administrators' area. */
export function adminRoutes(deps: ConsoleDeps) {
  const { accounts, tokens } = deps;
  const { keyring } = deps.services;
  const app = new Hono<ConsoleEnv>();

  const renderUsers = async (c: ConsoleContext, status: ContentfulStatusCode = 200, notice?: Notice, values: Record<string, string> = {}) =>
    c.html(<UsersPage page={pageOf(c, deps)} users={await accounts.list()} values={values} notice={notice ?? noticeOf(c)} />, status);

  app.get('/users', ...guard('admin'), (c) => renderUsers(c));
  app.post('/users', ...guard('admin'), async (c) => {
    const form = await formOf(c);
    try {
      await accounts.create({ email: form.email ?? '', role: form.role ?? '', password: form.password ?? '' }, actorOf(c));
      return c.redirect('/admin/users?done=user_created', 303);
    } catch (error) {
      const { status, notice } = failure(error);
      // The password is not sent back into the page.
      return renderUsers(c, status, notice, { email: form.email ?? '', role: form.role ?? '' });
    }
  });
  app.post('/users/:id/disable', ...guard('admin'), async (c) => {
    try {
      if (c.req.param('id') === c.get('session')?.user.id) throw fail('cannot_disable_self');
      await accounts.disable(c.req.param('id'), actorOf(c));
      return c.redirect('/admin/users?done=user_disabled', 303);
    } catch (error) {
      const { status, notice } = failure(error);
      return renderUsers(c, status, notice);
    }
  });

  const renderTokens = async (c: ConsoleContext, status: ContentfulStatusCode = 200, notice?: Notice, extra: { values?: Record<string, string>; secret?: { name: string; value: string } } = {}) =>
    c.html(<TokensPage page={pageOf(c, deps)} tokens={await tokens.list()} values={extra.values ?? {}} secret={extra.secret} notice={notice ?? noticeOf(c)} />, status);

  app.get('/tokens', ...guard('admin'), (c) => renderTokens(c));
  app.post('/tokens', ...guard('admin'), async (c) => {
    const form = await formOf(c);
    try {
      const { token, secret } = await tokens.create((form.name ?? '').trim(), form.role ?? '', actorOf(c));
      // Shown once, on this page, never stored: the registry keeps only its hash.
      return renderTokens(c, 201, { kind: 'success', text: pageOf(c, deps).t.tokenCreated(token.name) }, { secret: { name: token.name, value: secret } });
    } catch (error) {
      const { status, notice } = failure(error);
      return renderTokens(c, status, notice, { values: form });
    }
  });
  app.post('/tokens/:name/revoke', ...guard('admin'), async (c) => {
    try {
      await tokens.revoke(c.req.param('name'), actorOf(c));
      return c.redirect('/admin/tokens?done=token_revoked', 303);
    } catch (error) {
      const { status, notice } = failure(error);
      return renderTokens(c, status, notice);
    }
  });

  const renderKeys = async (c: ConsoleContext, status: ContentfulStatusCode = 200, notice?: Notice) => {
    await keyring.refresh();
    return c.html(<KeysPage page={pageOf(c, deps)} keys={keyring.list()} notice={notice ?? noticeOf(c)} />, status);
  };
  app.get('/keys', ...guard('admin'), (c) => renderKeys(c));
  app.post('/keys/rotate', ...guard('admin'), async (c) => {
    try {
      const result = await keyring.rotate(actorOf(c));
      return c.redirect(`/admin/keys?done=${result.step === 'published' ? 'key_published' : 'key_activated'}`, 303);
    } catch (error) {
      const { status, notice } = failure(error);
      return renderKeys(c, status, notice);
    }
  });
  app.post('/keys/:kid/revoke', ...guard('admin'), async (c) => {
    const form = await formOf(c);
    try {
      if (form.confirm !== 'yes') throw fail('confirmation_required');
      await keyring.revoke(c.req.param('kid'), actorOf(c));
      return c.redirect('/admin/keys?done=key_revoked', 303);
    } catch (error) {
      const { status, notice } = failure(error);
      return renderKeys(c, status, notice);
    }
  });

  return app;
}
