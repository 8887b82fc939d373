import { readConfig } from '../../server/config.ts';
import { openDatabase } from '../../server/registry/database.ts';
import { seedRegister } from './register.ts';
const config = readConfig({ DATA_DIR: '/tmp/perf/search-db', SEED_DEMO: 'off', PUBLIC_URL: 'http://localhost:1', KEY_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64') });
const database = await openDatabase(config);
await seedRegister(database, 100000, new Date('2026-06-15T10:00:00Z'));
await database.close();
console.log('seeded');
