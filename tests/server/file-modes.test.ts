import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/registry/database.ts';
import { loadKeyEncryptionKey } from '../../server/keys/kek.ts';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('the embedded registry on disk', () => {
  const parents: string[] = [];
  const freshParent = () => {
    const parent = mkdtempSync(join(tmpdir(), 'cluster-label-modes-'));
    parents.push(parent);
    return parent;
  };
  afterEach(() => {
    for (const parent of parents.splice(0)) rmSync(parent, { recursive: true, force: true });
  });

  it('creates DATA_DIR 0700 and the database with its -wal and -shm 0600, whatever the umask', async () => {
    const dataDir = join(freshParent(), 'data');
    const previous = process.umask(0o022);
    try {
      const database = await openDatabase({ dataDir });
      await sql`create table if not exists mode_probe (id integer)`.execute(database.db);
      await sql`insert into mode_probe values (1)`.execute(database.db);
      const file = join(dataDir, 'registry.sqlite');
      expect(existsSync(`${file}-wal`)).toBe(true);
      expect(existsSync(`${file}-shm`)).toBe(true);
      expect(modeOf(dataDir)).toBe(0o700);
      for (const path of [file, `${file}-wal`, `${file}-shm`]) expect(modeOf(path), path).toBe(0o600);
      await database.close();
    } finally {
      process.umask(previous);
    }
  });

  it('tightens a registry file and its WAL files that others could read, as the CLI opens it beside the server', async () => {
    const dataDir = freshParent();
    const file = join(dataDir, 'registry.sqlite');
    const server = await openDatabase({ dataDir });
    await sql`create table mode_probe (id integer)`.execute(server.db);
    for (const path of [file, `${file}-wal`, `${file}-shm`]) chmodSync(path, 0o644);
    const cli = await openDatabase({ dataDir });
    for (const path of [file, `${file}-wal`, `${file}-shm`]) expect(modeOf(path), path).toBe(0o600);
    await cli.close();
    await server.close();
  });

  it('creates DATA_DIR 0700 when the key-encryption key is the first thing written there', () => {
    const dataDir = join(freshParent(), 'data');
    loadKeyEncryptionKey({ dataDir });
    expect(modeOf(dataDir)).toBe(0o700);
    expect(modeOf(join(dataDir, 'key-encryption.key'))).toBe(0o600);
  });
});
