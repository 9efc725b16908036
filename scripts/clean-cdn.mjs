// CDN chunk names carry content hashes: each build starts from an empty directory so stale chunks never
// ship or get measured.
import { rmSync } from 'node:fs';

for (const dir of ['../packages/sdk/dist/cdn', '../dist']) rmSync(new URL(dir, import.meta.url), { recursive: true, force: true });
