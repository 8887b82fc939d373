import { readFileSync } from 'node:fs';
import { parseWith } from '../contract/refusals.ts';
import { SchemeInput } from '../contract/requests.ts';
import { fail, messageOf } from '../errors.ts';
import { command, type Command } from './command.ts';
import { table } from './format.ts';

export const schemeCommands: Command[] = [
  {
    name: 'schemes list',
    summary: 'list the schemes: the ECEI’s, from the settings, and those set up here',
    async run(cli) {
      const rows = (await cli.services.registry.schemes.list()).map((s) => [s.id, s.kind, s.name.en, s.issuer, s.levels.map((l) => l.id).join(', ')]);
      for (const line of table(['ID', 'KIND', 'NAME', 'ISSUER', 'LEVELS'], rows)) cli.out(line);
    },
  },
  command({
    name: 'schemes put',
    summary: 'set up a scheme, or replace it, from a JSON file',
    args: ['file'],
    details:
      'The file holds one scheme in the form GET /v1/schemes lists (docs/schemes.md). A replacement must keep every level that labels of the scheme hold. The ECEI scheme comes from the settings and cannot be set here.',
    async run(cli, { file }) {
      let input: unknown;
      try {
        input = JSON.parse(readFileSync(file, 'utf8'));
      } catch (error) {
        throw fail('malformed_json', { reason: `${file} cannot be read as JSON: ${messageOf(error)}` });
      }
      const { scheme, outcome } = await cli.services.registry.schemes.put(parseWith(SchemeInput, input), cli.actor);
      const done = { created: 'Set up', replaced: 'Replaced', unchanged: 'Left unchanged' }[outcome];
      cli.out(`${done} the scheme ${scheme.id} (${scheme.name.en}), ${scheme.levels.length === 1 ? 'one level' : `${scheme.levels.length} levels`}.`);
    },
  }),
];
