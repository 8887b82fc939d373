import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The absolute path of a build artefact (`dist/…`). A test that needs one fails with this
 * message when it is missing, rather than skipping and passing for green.
 */
export function requireBuilt(file: string): string {
  const path = fileURLToPath(new URL(`../../${file}`, import.meta.url));
  if (!existsSync(path)) throw new Error(`${file} is missing: run \`npm run build\` first (npm test does).`);
  return path;
}
