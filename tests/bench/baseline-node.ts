// Baseline for the attestation benchmark: a bare node:http server, the machine's ceiling;
// 304 to an If-None-Match with its ETag.
import { createServer } from 'node:http';

const ETAG = '"0123456789abcdefghijkl"';
const body = Buffer.from('x'.repeat(Number(process.env.BODY_SIZE ?? 740)));
createServer((req, res) => {
  const headers = {
    'Access-Control-Allow-Origin': '*',
    'Cross-Origin-Resource-Policy': 'cross-origin',
    'X-Content-Type-Options': 'nosniff',
    ETag: ETAG,
    'Cache-Control': 'public, max-age=300',
  };
  if (req.headers['if-none-match'] === ETAG) {
    res.writeHead(304, headers).end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Type': 'application/cluster-label+jwt', 'Content-Length': body.length });
  res.end(body);
}).listen(Number(process.env.PORT), () => process.stdout.write('ready\n'));
