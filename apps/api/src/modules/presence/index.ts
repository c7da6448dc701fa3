// Who is online: in memory in the embedded mode, in Redis otherwise.
export { MemoryPresenceStore, RedisPresenceStore, type PresenceStatus, type PresenceStore } from './presence.store.js';
