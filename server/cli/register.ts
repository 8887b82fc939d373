import { readFileSync, writeFileSync } from 'node:fs';
import { isLevel } from '../domain/types.ts';
import { backupSqlite, exportRegister, importRegister } from '../import/index.ts';
import { command, textOption, UsageError, type Command } from './command.ts';

/** Bad lines an import shows without --verbose: enough to see what is wrong, not a screenful per hundred. */
const SHOWN_ERRORS = 10;

export const registerCommands: Command[] = [
  command({
    name: 'import',
    summary: 'import the register from CSV, all or nothing',
    args: ['file'],
    options: {
      'dry-run': { type: 'boolean', description: 'show what would be created or changed, and change nothing' },
      verbose: { type: 'boolean', description: `list every bad line and every cluster created, updated or labelled (else the summary and the first ${SHOWN_ERRORS} bad lines)` },
      country: { type: 'string', value: 'XX', description: 'country for rows without one (the public register has no Country column)' },
      level: { type: 'string', value: 'level', description: 'level for rows with a valid-until date but no level' },
    },
    details:
      'Columns (any order, case ignored): Name, Comparative portfolio, www, Label valid until, and optionally Level, Country, Id, Organisation, Scheme ' +
      '(the label\'s scheme, ecei when absent; a cluster may have one line per scheme). ' +
      'The id is made from the name unless an Id column gives it. Every bad line is reported and nothing is written; importing the same file again changes nothing.',
    async run(cli, { file }, options) {
      const level = textOption(options, 'level');
      if (level !== undefined && !isLevel(level)) throw new UsageError('--level must be bronze, silver or gold');
      const { services } = cli;
      let shown = -1;
      const report = await importRegister(services.database, services.keyring, readFileSync(file, 'utf8'), {
        actor: cli.actor,
        dryRun: options['dry-run'] === true,
        defaultCountry: textOption(options, 'country'),
        defaultLevel: level,
        scheme: services.registry.scheme,
        schemes: await services.registry.schemes.list(),
        now: services.now(),
        log: services.log,
        onProgress(done, total) {
          const percent = Math.floor((done / total) * 10) * 10;
          if (percent !== shown) cli.note(`writing… ${done}/${total}`);
          shown = percent;
        },
      });
      const verbose = options.verbose === true;
      if (report.ignoredColumns.length) cli.note(`Ignored columns: ${report.ignoredColumns.join(', ')}`);
      if (report.errors.length) {
        cli.note(`${report.errors.length} bad lines of ${report.rows}: nothing was imported.`);
        const shownErrors = verbose ? report.errors : report.errors.slice(0, SHOWN_ERRORS);
        for (const error of shownErrors) cli.out(`line ${error.line}: ${error.reason}`);
        if (shownErrors.length < report.errors.length) cli.note(`… and ${report.errors.length - shownErrors.length} more bad lines: --verbose lists every one.`);
        return 1;
      }
      const verb = report.applied ? '' : 'would be ';
      cli.note(
        `${report.rows} rows: ${report.created.length} ${verb}created, ${report.updated.length} ${verb}updated, ${report.labelled.length} labels ${verb}set, ${report.unchanged} unchanged.` +
          (report.applied ? '' : ' Dry run: nothing was written.'),
      );
      const changed = report.created.length + report.updated.length + report.labelled.length > 0;
      cli.note(`File SHA-256 ${report.sha256}${report.applied && changed ? ' (recorded in the audit log)' : ''}`);
      if (verbose) {
        for (const id of report.created) cli.out(`${verb}created  ${id}`);
        for (const id of report.updated) cli.out(`${verb}updated  ${id}`);
        for (const id of report.labelled) cli.out(`${verb}labelled ${id}`);
      } else if (changed) {
        cli.note('--verbose lists every cluster created, updated or labelled.');
      }
    },
  }),
  command({
    name: 'export',
    summary: 'write the register to CSV, in the columns import reads',
    args: ['file'],
    details: 'A file name of - writes the CSV to standard output (and the count to standard error).',
    async run(cli, { file }) {
      const { csv, rows } = await exportRegister(cli.services.database);
      if (file === '-') {
        cli.io.stdout.write(csv);
        return cli.note(`Wrote ${rows} clusters to standard output.`);
      }
      writeFileSync(file, csv);
      cli.out(`Wrote ${rows} clusters to ${file}.`);
    },
  }),
  command({
    name: 'backup',
    summary: 'copy the SQLite registry to a new file while the server runs',
    args: ['file'],
    details: 'Uses SQLite VACUUM INTO: a consistent, compacted snapshot. Keep it with the key-encryption key (DATA_DIR/key-encryption.key, or KEY_ENCRYPTION_KEY), or the signing keys in it cannot be read. On PostgreSQL use pg_dump.',
    async run(cli, { file }) {
      cli.out(`Backed up the registry to ${await backupSqlite(cli.services.database, file)}.`);
    },
  }),
];
