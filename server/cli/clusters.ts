import { ClusterInput } from '../contract/requests.ts';
import { parseWith } from '../contract/refusals.ts';
import { effectiveStatus } from '../domain/schemes.ts';
import type { Label } from '../domain/types.ts';
import { fail } from '../errors.ts';
import { command, type Command } from './command.ts';
import { table } from './format.ts';

const PAGE = 500;

export const clusterCommands: Command[] = [
  command({
    name: 'clusters create',
    summary: 'register a cluster',
    args: ['id'],
    options: {
      name: { type: 'string', value: 'name', required: true, description: 'display name', field: 'name' },
      country: { type: 'string', value: 'CC', required: true, description: 'ISO 3166 two-letter code', field: 'country' },
      organisation: { type: 'string', value: 'text', description: 'the cluster management organisation', field: 'organisation' },
      portfolio: { type: 'string', value: 'text', description: 'comparative portfolio', field: 'portfolio' },
      site: { type: 'string', multiple: true, value: 'origin', description: 'a website where the badge may be shown (repeat for several)', field: 'sites' },
      email: { type: 'string', value: 'address', description: 'contact e-mail', field: 'contactEmail' },
    },
    details: 'The id is a lowercase slug such as nordlicht-photonics; it cannot be changed later.',
    async run(cli, { id }, options) {
      const input = parseWith(ClusterInput, { id, name: options.name, country: options.country, organisation: options.organisation, portfolio: options.portfolio, sites: options.site, contactEmail: options.email });
      const cluster = await cli.services.registry.createCluster(input, cli.actor);
      cli.out(`Registered the cluster ${cluster.id} (${cluster.name}).`);
    },
  }),
  command({
    name: 'clusters show',
    summary: 'show a cluster and its whole label history',
    args: ['id'],
    async run(cli, { id }) {
      const { registry, now } = cli.services;
      const cluster = await registry.getCluster(id);
      if (!cluster) throw fail('cluster_not_found');
      const labels = await registry.getLabels(cluster.id);
      const fields: Array<[string, string]> = [
        ['id', cluster.id],
        ['name', cluster.name],
        ['organisation', cluster.organisation],
        ['country', cluster.country],
        ['portfolio', cluster.portfolio],
        ['sites', cluster.sites.join(' ')],
        ['contact', cluster.contactEmail ?? ''],
        ['registered', cluster.createdAt],
      ];
      for (const line of table(['FIELD', 'VALUE'], fields).slice(1)) cli.out(line);
      cli.out('');
      if (labels.length === 0) return cli.out('No label.');
      const row = (label: Label) => [label.id, label.level, effectiveStatus(label, now()), label.awarded, label.validUntil, label.assessmentRef, label.publicReason];
      for (const line of table(['LABEL', 'LEVEL', 'STATUS', 'AWARDED', 'VALID UNTIL', 'ASSESSMENT', 'REASON'], labels.map(row))) cli.out(line);
    },
  }),
  {
    name: 'clusters list',
    summary: 'list every cluster with its current label',
    async run(cli) {
      const { registry, now } = cli.services;
      const rows: Array<Array<string | null>> = [];
      for (let offset = 0; ; offset += PAGE) {
        const { items, total } = await registry.listClusters({ offset, limit: PAGE });
        for (const { cluster, label } of items) {
          rows.push([cluster.id, cluster.country, label?.level ?? null, label ? effectiveStatus(label, now()) : 'none', label?.validUntil ?? null, cluster.name]);
        }
        if (offset + PAGE >= total) break;
      }
      if (rows.length === 0) return cli.note('No clusters are registered.');
      for (const line of table(['ID', 'COUNTRY', 'LEVEL', 'STATUS', 'VALID UNTIL', 'NAME'], rows)) cli.out(line);
    },
  },
];
