// The console's import and export at scale, against the built server (dist/server/main.js)
// on a temporary DATA_DIR, as an officer's browser drives them: upload a CSV of `--rows`
// new clusters, wait for the dry run, confirm, wait for the write; then export the whole
// register as CSV. Meanwhile a client asks for attestations of `--clusters` registered
// clusters, 8 at a time, and the latencies it saw during each phase are printed, with the
// server's peak RSS (sampled every 100 ms from /proc).
//   npx tsx tests/bench/import.ts [--dialect sqlite|postgres] [--rows 100000] [--clusters 1000]
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { Accounts } from '../../server/console/accounts.ts';
import { readConfig } from '../../server/config.ts';
import { openServices } from '../../server/services.ts';
import { rssMb, seedBenchClusters, startServerProcess } from './support.ts';

const run = promisify(execFile);
const { values } = parseArgs({ options: { dialect: { type: 'string', default: 'sqlite' }, rows: { type: 'string', default: '100000' }, clusters: { type: 'string', default: '1000' } } });
const rows = Number(values.rows);
const clusters = Number(values.clusters);
const PORT = 9341;
const base = `http://127.0.0.1:${PORT}`;
const PASSWORD = 'a bench password that is long';

const bench = await seedBenchClusters(values.dialect, clusters);
{
  const services = await openServices(readConfig({ ...bench.env, PUBLIC_URL: `http://localhost:${PORT}`, PASSWORD_HASH_COST: '10' }), { listen: false });
  await new Accounts(services.database, services.keyring, services.now, 10).create({ email: 'officer@bench.test', role: 'officer', password: PASSWORD }, 'bench');
  await services.close();
}
const server = await startServerProcess(['dist/server/main.js'], PORT, bench, { ready: '/healthz' });
process.on('exit', () => server.kill());
const idleRss = rssMb(server.pid!);

// ── a signed-in browser ────────────────────────────────────────────────────
const cookieOf = (response: Response, name: string) => response.headers.getSetCookie().find((line) => line.startsWith(`${name}=`))!.split(';')[0]!;
const csrfIn = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1]!;
const origin = `http://localhost:${PORT}`;
const signInPage = await fetch(`${base}/admin/sign-in`);
const signedIn = await fetch(`${base}/admin/sign-in`, {
  method: 'POST',
  redirect: 'manual',
  headers: { Origin: origin, Cookie: cookieOf(signInPage, 'cl_signin'), 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ csrf: csrfIn(await signInPage.text()), email: 'officer@bench.test', password: PASSWORD }),
});
const session = cookieOf(signedIn, 'cl_session');
const get = (path: string) => fetch(`${base}${path}`, { headers: { Cookie: session }, redirect: 'manual' });
const csrf = csrfIn(await (await get('/admin/import')).text());

// ── measurement ────────────────────────────────────────────────────────────
/** Asks for attestations, 8 at a time, until stopped; the latencies it saw. */
function attestationLoad() {
  const latencies: number[] = [];
  let running = true;
  let errors = 0;
  const worker = async (w: number) => {
    for (let i = w; running; i += 8) {
      const started = performance.now();
      try {
        const response = await fetch(`${base}/v1/clusters/bench-${(i % clusters) + 1}/attestation`);
        await response.arrayBuffer();
        if (response.status !== 200) errors++;
      } catch {
        // A connection the server closed while its event loop was held: counted, and timed as it failed.
        errors++;
      }
      latencies.push(performance.now() - started);
    }
  };
  const workers = Array.from({ length: 8 }, (_, w) => worker(w));
  return {
    async stop() {
      running = false;
      await Promise.all(workers);
      const sorted = latencies.sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
      return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0, errors };
    },
  };
}

function rssPeak() {
  let peak = rssMb(server.pid!);
  const timer = setInterval(() => (peak = Math.max(peak, rssMb(server.pid!))), 100);
  return () => {
    clearInterval(timer);
    return Math.max(peak, rssMb(server.pid!));
  };
}

async function phase<T>(name: string, work: () => Promise<T>): Promise<T> {
  const load = attestationLoad();
  const peak = rssPeak();
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  const rss = peak();
  const a = await load.stop();
  console.log(
    `  ${name.padEnd(26)} ${seconds.toFixed(1).padStart(6)} s   peak RSS ${rss.toFixed(0).padStart(4)} MB   attestations during it: ${a.n} answered, p50 ${a.p50.toFixed(1)} ms, p99 ${a.p99.toFixed(1)} ms, max ${a.max.toFixed(0)} ms${a.errors ? `, ${a.errors} failed or not 200` : ''}`,
  );
  return result;
}

const waitFor = async (path: string, done: RegExp) => {
  for (;;) {
    // A connection reset while the server's event loop was held is tried again.
    const html = await get(path).then((response) => response.text(), () => '');
    if (done.test(html)) return html;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

// ── the file: `rows` new clusters, three in four labelled ──────────────────
const lines = ['Id;Name;Organisation;Country;Comparative portfolio;www;Level;Label valid until'];
for (let i = 0; i < rows; i++) {
  const level = ['bronze', 'silver', 'gold', ''][i % 4]!;
  lines.push(`imported-${i};Imported Fictional Cluster ${i};Fictional organisation ${i % 97};${['DE', 'FR', 'ES', 'PL', 'AT'][i % 5]};Portfolio ${i % 40};https://imported-${i}.example;${level};${level ? `20${27 + (i % 3)}-0${1 + (i % 9)}-28` : ''}`);
}
const csv = `${lines.join('\r\n')}\r\n`;

console.log(`Console import and export, ${values.dialect}: ${rows.toLocaleString('en')} rows (${(Buffer.byteLength(csv) / 1024 / 1024).toFixed(1)} MiB) into a register of ${clusters.toLocaleString('en')}; server idle RSS ${idleRss.toFixed(0)} MB`);
// Every badge asked for once: what a running issuer has in memory (tokens live 10 minutes).
for (let i = 1; i <= clusters; i++) await (await fetch(`${base}/v1/clusters/bench-${i}/attestation`)).arrayBuffer();
await phase('baseline (nothing else)', () => new Promise((resolve) => setTimeout(resolve, 3000)));

// The officer's browser is not the badges' visitors: the file is sent from a process of its
// own, so building and sending 13 MB does not hold up the client that times the attestations.
const upload = join(bench.dataDir, 'upload.csv');
writeFileSync(upload, csv);
const SEND = `
const [file, url, cookie, origin, csrf] = process.argv.slice(1);
const form = new FormData();
form.append('csrf', csrf);
form.append('file', new File([require('node:fs').readFileSync(file)], 'register.csv', { type: 'text/csv' }));
fetch(url, { method: 'POST', redirect: 'manual', headers: { Cookie: cookie, Origin: origin }, body: form }).then(async (r) =>
  process.stdout.write(JSON.stringify({ status: r.status, location: r.headers.get('Location'), text: r.status === 303 ? '' : (await r.text()).slice(0, 500) })));
`;
const location = await phase('upload', async () => {
  const { stdout } = await run(process.execPath, ['-e', SEND, upload, `${base}/admin/import`, session, origin, csrf]);
  const answer = JSON.parse(stdout) as { status: number; location: string | null; text: string };
  if (answer.status !== 303 || !answer.location) throw new Error(`upload answered ${answer.status}: ${answer.text}`);
  return answer.location;
});
const preview = await phase('dry run (check)', () => waitFor(location, /waiting for confirmation|refused/));
if (!preview.includes('waiting for confirmation')) throw new Error('the file was refused');
await phase('confirm and write', async () => {
  const response = await fetch(`${base}${location}/confirm`, { method: 'POST', redirect: 'manual', headers: { Cookie: session, Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ csrf }) });
  if (response.status !== 303) throw new Error(`confirm answered ${response.status}`);
  await waitFor(location, /The file is imported|failed/);
});
const exported = await phase(`export ${(rows + clusters).toLocaleString('en')} as CSV`, async () => {
  const response = await get('/admin/export.csv');
  let bytes = 0;
  let newlines = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.length;
    for (const byte of chunk) if (byte === 10) newlines++;
  }
  return { bytes, lines: newlines - 1 };
});
console.log(`  exported ${exported.lines.toLocaleString('en')} clusters, ${(exported.bytes / 1024 / 1024).toFixed(1)} MiB; the server log: ${readFileSync(`${bench.dataDir}/server.log`, 'utf8').includes('import_failed') ? 'an import_failed line' : 'no errors'}`);

server.kill();
await bench.close();
