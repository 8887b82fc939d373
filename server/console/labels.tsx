import { Hono } from 'hono';
import { AwardInput, RenewalInput, RevocationInput } from '../contract/requests.ts';
import { checkRevocable, checkWithdrawable, effectiveStatus, planRenewal, planUpgrade } from '../domain/schemes.ts';
import { eceiLabel, eceiLevel } from '../domain/labels.ts';
import { hasUnsafeCharacters } from '../domain/text.ts';
import type { Label } from '../domain/types.ts';
import { fail } from '../errors.ts';
import { renderConflict, renderDetail, loadDetail } from './clusters.tsx';
import { actorOf, pageOf, type ConsoleDeps, type ConsoleEnv } from './context.ts';
import { failure, formOf, isStale, parseForm } from './forms.ts';
import { guard } from './guard.ts';
import { ConfirmPage, type LabelAction, type LabelView } from './views/clusters.tsx';

/** A withdrawal's reference: required, one line, at most 100 characters. */
function parseReference(raw: string | undefined): string {
  const reference = (raw ?? '').trim().normalize('NFC');
  if (!reference) throw fail('missing_field', { field: 'reference' });
  if (reference.length > 100) throw fail('invalid_field', { field: 'reference', rule: 'is longer than 100 characters' });
  if (hasUnsafeCharacters(reference)) throw fail('invalid_field', { field: 'reference', rule: 'contains control or invisible direction characters' });
  return reference;
}

interface Step<I> {
  /** Reads the form; throws the catalogue's refusal. */
  parse: (form: Record<string, string>) => I;
  /** The label as it will be, judged by the domain's own rules (which refuse what cannot be done); none: no second look. */
  plan?: (current: Label | undefined, input: I, now: Date) => LabelView;
  act: (id: string, input: I, actor: string, ifMatch: string | undefined) => Promise<unknown>;
}

/**
 * The label actions. Award is one step; renew, upgrade, revoke and withdraw take a
 * second look first: the label now and after, side by side, and one button. Every
 * form carries the version it was drawn from: a stale one changes nothing and shows
 * what changed meanwhile.
 */
export function labelRoutes(deps: ConsoleDeps) {
  const { registry } = deps.services;
  const app = new Hono<ConsoleEnv>();
  const view = (label: Label, now: Date): LabelView => ({ level: eceiLabel(label).level, status: effectiveStatus(label, now), awarded: label.awarded, validUntil: label.validUntil });

  const route = <I,>(action: 'award' | LabelAction, done: string, step: Step<I>) =>
    app.post(`/clusters/:id/${action}`, ...guard('officer'), async (c) => {
      const detail = await loadDetail(deps, c.req.param('id'));
      const id = detail.cluster.id;
      const form = await formOf(c);
      const ifMatch = form.version || undefined;
      try {
        const input = step.parse(form);
        if (step.plan && action !== 'award' && form.confirm !== 'yes') {
          // A form drawn before a change is not given a second look on the new state.
          if (ifMatch && ifMatch !== detail.version) throw fail('precondition_failed');
          const current = detail.labels.at(-1);
          const planned = step.plan(current, input, detail.now);
          return c.html(
            <ConfirmPage page={pageOf(c, deps)} cluster={detail.cluster} action={action} current={current && view(current, detail.now)} planned={planned} values={form} version={ifMatch ?? detail.version} seen={form.seen || detail.seen} />,
          );
        }
        await step.act(id, input, actorOf(c), ifMatch);
        return c.redirect(`/admin/clusters/${id}?done=${done}`, 303);
      } catch (error) {
        if (isStale(error)) return renderConflict(c, deps, id, form, 'label');
        const { status, notice } = failure(error);
        return renderDetail(c, deps, id, { status, notice, failedForm: action, values: form });
      }
    });

  route('award', 'awarded', {
    parse: (form) => eceiOnly(parseForm(AwardInput, form)),
    act: (id, input, actor, ifMatch) => registry.award(id, input, actor, ifMatch),
  });
  route('renew', 'renewed', {
    parse: (form) => eceiOnly(parseForm(RenewalInput, form)),
    plan: (current, input, now) => {
      const planned = planRenewal(registry.scheme, current, input, now);
      return { ...view(current!, now), status: 'valid', validUntil: planned.validUntil };
    },
    act: (id, input, actor, ifMatch) => registry.renew(id, input, actor, ifMatch),
  });
  route('upgrade', 'upgraded', {
    parse: (form) => eceiOnly(parseForm(AwardInput, form)),
    plan: (current, input, now) => {
      const planned = planUpgrade(registry.scheme, current, input, now);
      return { level: eceiLevel(planned.level), status: 'valid', awarded: planned.awarded, validUntil: planned.validUntil };
    },
    act: (id, input, actor, ifMatch) => registry.upgrade(id, input, actor, ifMatch),
  });
  route('revoke', 'revoked', {
    parse: (form) => eceiOnly(parseForm(RevocationInput, form)),
    plan: (current, _, now) => ({ ...view(checkRevocable(current, now), now), status: 'revoked' }),
    act: (id, input, actor, ifMatch) => registry.revoke(id, input, actor, ifMatch),
  });
  route('withdraw', 'withdrawn', {
    parse: (form) => ({ reference: parseReference(form.reference) }),
    plan: (current, _, now) => ({ ...view(checkWithdrawable(current, now), now), status: 'withdrawn' }),
    act: (id, input, actor, ifMatch) => registry.withdraw(id, actor, ifMatch, input),
  });

  return app;
}

/** The console acts on the ECEI label alone: a `scheme` a form sends is not taken. */
const eceiOnly = <I extends { scheme?: string | undefined }>(input: I): I => ({ ...input, scheme: undefined });
