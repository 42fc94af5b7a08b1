/** `axios-stash/redis`: Redis storage (needs the optional peer @keyv/redis). */
export { redisStorage, type RedisStorageOptions } from './storage/redis.js';
