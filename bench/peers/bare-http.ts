/**
 * The ceiling: a bare node:http server that reads the request body and answers 201 with a small
 * JSON document, doing nothing else. Run as its own process (PORT, HOST), like Hatoba.
 */
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';

const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? '127.0.0.1';

const server = createServer((req, res) => {
  req.on('data', () => {});
  req.on('end', () => {
    const body = JSON.stringify({ id: randomUUID(), queues: [], duplicate: false });
    res.writeHead(req.method === 'GET' ? 200 : 201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, host, () => console.log(`bare-http listening on ${host}:${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
