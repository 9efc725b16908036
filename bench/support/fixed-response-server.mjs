// The anchor for server benchmarks: Fastify answering a fixed body of a given size, with no work at
// all. Whatever the permission-set route reaches is measured as a fraction of this ceiling, on the same
// machine in the same run. Usage: node fixed-response-server.mjs BYTES  → prints its URL.
import Fastify from 'fastify';

const bytes = Number(process.argv[2] ?? 2000);
const body = 'x'.repeat(bytes);
const app = Fastify({ logger: false });
app.get('/', async (_request, reply) => reply.type('application/jwt').header('Cache-Control', 'private, no-cache').send(body));
const address = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(`listening on ${address}`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
