export { createPermissionCache } from './create-permission-cache.js';
export type { PermissionCacheOptions } from './create-permission-cache.js';
export { MemoryPermissionCache } from './memory-cache.js';
export { permissionCacheName } from './indexeddb-cache.js';
export { ANONYMOUS_VISITOR, visitorKey } from './permission-cache.js';
export type { CacheBacking, CacheStore, MetaKey, PermissionCache } from './permission-cache.js';
export { createWarmStartMirror, warmStartMirrorKey } from './warm-start-mirror.js';
export type { MirrorRead, WarmStartMirror, WarmStartMirrorOptions } from './warm-start-mirror.js';
