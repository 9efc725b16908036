// CDN chunk names carry content hashes: the build starts from an empty directory so stale chunks never
// ship or get measured.
import { rmSync } from 'node:fs';

rmSync(new URL('../packages/sdk/dist/cdn', import.meta.url), { recursive: true, force: true });
