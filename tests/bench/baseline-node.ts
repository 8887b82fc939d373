// Baseline for the attestation benchmark: a bare node:http server, the machine's ceiling.
import { createServer } from 'node:http';

const body = Buffer.from('x'.repeat(Number(process.env.BODY_SIZE ?? 740)));
createServer((_req, res) => {
  res.writeHead(200, {
    'Access-Control-Allow-Origin': '*',
    'Cross-Origin-Resource-Policy': 'cross-origin',
    'X-Content-Type-Options': 'nosniff',
    ETag: '"0123456789abcdefghijkl"',
    'Cache-Control': 'public, max-age=300',
    'Content-Type': 'application/cluster-label+jwt',
    'Content-Length': body.length,
  });
  res.end(body);
}).listen(Number(process.env.PORT), () => process.stdout.write('ready\n'));
