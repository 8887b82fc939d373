import { createHash } from 'node:crypto';
import type { Cluster, Label } from '../domain/types.ts';

/**
 * The version of a cluster as the admin API (its `ETag`) and the console's forms
 * carry it: a digest of its stored fields and its current labels (every scheme's), so
 * any change to either — by the API, the console, the CLI or an import — makes a new version.
 * A digest rather than a counter: nothing to keep in step, in any writer.
 */
export function versionOf(cluster: Cluster, labels: readonly Label[]): string {
  return createHash('sha256')
    .update(JSON.stringify([cluster, labels]))
    .digest('base64url')
    .slice(0, 22);
}
