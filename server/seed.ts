import { addMonths, utcDate } from './domain/dates.ts';
import { parseScheme } from './domain/schemes.ts';
import type { Registry } from './registry/registry.ts';

const ACTOR = 'seed';

/**
 * The demo's second programme: a membership shaped like go-cluster's, fictional, as
 * everything a demo signs must be true. The demo sets it up; the product does not have it.
 */
export const KOMPASS = {
  id: 'kompass',
  kind: 'membership',
  name: { en: 'Kompass Cluster Network', de: 'Kompass-Clusternetzwerk' },
  issuer: 'Kompass Programme Office',
  levels: [{ id: 'member', name: { en: 'Member', de: 'Mitglied' }, validityMonths: 36, renewalMonths: 36, seal: { colour: '#1f5f8b', emblem: 'check' } }],
  rules: { renewalWindowMonths: 6, graceMonths: 0 },
} as const;

/**
 * Fictional clusters for the demo, one for each state the widget shows, with dates
 * relative to today, and the fictional Kompass membership beside the ECEI label. A signed statement must be true, so no real organisation appears.
 * Runs only on an empty registry.
 */
export async function seedDemo(registry: Registry, options: { sites: string[]; now: Date }): Promise<boolean> {
  const any = await registry.db.selectFrom('clusters').select('id').limit(1).executeTakeFirst();
  if (any) return false;
  const today = utcDate(options.now);
  const ago = (months: number) => addMonths(today, -months);
  const cluster = (id: string, name: string, organisation: string, country: string, portfolio: string) =>
    registry.createCluster({ id, name, organisation, country, portfolio, sites: options.sites, contactEmail: `office@${id}.example` }, ACTOR);

  await cluster('demo-bronze', 'Nordlicht Photonics Cluster', 'Nordlicht Photonics e.V.', 'DE', 'Photonics and optical technologies');
  await registry.award('demo-bronze', { level: 'bronze', awarded: ago(8), assessmentRef: 'DEMO-B-001' }, ACTOR);

  await cluster('demo-silver', 'Tejo Maritime Innovation Cluster', 'Associação Tejo Marítimo', 'PT', 'Blue economy and maritime technologies');
  await registry.award('demo-silver', { level: 'silver', awarded: ago(5), assessmentRef: 'DEMO-S-002' }, ACTOR);

  await cluster('demo-gold', 'Alpenhof Food Valley Network', 'Alpenhof Food Valley GmbH', 'AT', 'Agri-food and food processing');
  await registry.award('demo-gold', { level: 'gold', awarded: ago(3), assessmentRef: 'DEMO-G-003' }, ACTOR);

  await cluster('demo-history', 'Baltic Circular Plastics Cluster', 'Baltic Circular Plastics MTÜ', 'EE', 'Circular economy and plastics');
  await registry.award('demo-history', { level: 'bronze', awarded: ago(20), assessmentRef: 'DEMO-B-004' }, ACTOR);
  await registry.upgrade('demo-history', { level: 'silver', awarded: ago(2), assessmentRef: 'DEMO-S-005' }, ACTOR);

  await cluster('demo-expired', 'Meseta Renewable Energy Cluster', 'Asociación Clúster Energía Meseta', 'ES', 'Renewable energy');
  await registry.award('demo-expired', { level: 'bronze', awarded: ago(28), assessmentRef: 'DEMO-B-006' }, ACTOR);

  await cluster('demo-revoked', 'Vistula Smart Mobility Cluster', 'Klaster Mobilności Wisła', 'PL', 'Mobility and automotive');
  await registry.award('demo-revoked', { level: 'silver', awarded: ago(10), assessmentRef: 'DEMO-S-007' }, ACTOR);
  await registry.revoke('demo-revoked', { reason: 'The benchmarking evidence was found to be incomplete.', note: 'Fictional demo revocation.' }, ACTOR);

  await cluster('demo-unlabelled', 'Rhône Digital Health Cluster', 'Association Rhône Santé Numérique', 'FR', 'Digital health');

  // Kompass members: one holding both marks, one holding Kompass alone, one whose membership was revoked.
  await registry.schemes.put(parseScheme(KOMPASS), ACTOR);
  const member = (id: string, months: number) => registry.award(id, { scheme: KOMPASS.id, level: 'member', awarded: ago(months), assessmentRef: `DEMO-K-${id}` }, ACTOR);
  await member('demo-silver', 14);
  await cluster('demo-kompass', 'Weser Hydrogen Network', 'Weser Wasserstoff-Netzwerk e.V.', 'DE', 'Hydrogen and energy storage');
  await member('demo-kompass', 4);
  await member('demo-gold', 30);
  await registry.revoke('demo-gold', { scheme: KOMPASS.id, reason: 'The network’s quality criteria were no longer met.', note: 'Fictional demo revocation.' }, ACTOR);
  await registry.sweepExpired();
  return true;
}
