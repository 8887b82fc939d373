import { isClusterId } from '../domain/clusters.ts';

/**
 * The cluster id for a name: lowercase ASCII letters and digits joined by
 * hyphens, accents dropped (`Clúster Energía` → `cluster-energia`), at most 64
 * characters, cut at a hyphen. The same name always gives the same id, so
 * importing a file again finds the clusters it created.
 */
export function slugify(name: string): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .replace(/[æÆ]/g, 'ae')
    .replace(/[øØ]/g, 'o')
    .replace(/[łŁ]/g, 'l')
    .toLowerCase();
  let slug = ascii.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (slug.length > 64) slug = slug.slice(0, 65).replace(/-[^-]*$/, '').slice(0, 64).replace(/-+$/, '');
  return isClusterId(slug) ? slug : '';
}
