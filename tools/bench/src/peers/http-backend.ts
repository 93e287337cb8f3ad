// The backend behind the fastify peer gateway: plain node:http answering GET /api/v1/applications/:id
// with the same application JSON our platform serves (passed in as a file), in the same envelope, so
// both gateways carry the same bytes. Answers 404 for anything else.
//   argv: <port> <application.json>
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
const application = JSON.parse(readFileSync(process.argv[3]!, 'utf8')) as { id: string };
const path = `/api/v1/applications/${application.id}`;

createServer((req, res) => {
  if (req.url !== path) return void res.writeHead(404).end();
  const meta = {
    request_id: String(req.headers['x-request-id'] ?? 'req'),
    timestamp: new Date().toISOString(),
  };
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ success: true, data: application, meta: { ...meta, api_version: 'v1' } }));
}).listen(port, '127.0.0.1', () =>
  process.stdout.write(`${JSON.stringify({ msg: 'service ready', port })}\n`),
);
