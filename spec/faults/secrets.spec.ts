/**
 * Nothing secret is stored, on any backend: a request with Authorization, Cookie,
 * Proxy-Authorization, an ignored query parameter and a header its response Varies on, answered
 * with a Set-Cookie, is stored (the next request is a hit), and none of those values appears in
 * any byte the store wrote: SQLite's database, WAL and shared-memory files, every file of the file
 * store (temp files included), every Redis key and value of the namespace, every row of the
 * PostgreSQL and MySQL tables, and the memory store's entries serialised whole.
 */
import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { KeyvMysql } from '@keyv/mysql';
import { KeyvPostgres } from '@keyv/postgres';
import { createClient } from '@keyv/redis';
import { Keyv } from 'keyv';
import axios from 'axios';
import { expect } from 'chai';
import { type CacheStore, memoryStorage, setupCache } from '../../lib/index.js';
import { fileStorage } from '../../lib/storage/file.js';
import { keyvStorage } from '../../lib/storage/keyv-storage.js';
import { redisStorage } from '../../lib/storage/redis.js';
import { sqliteStorage } from '../../lib/storage/sqlite.js';

const SECRETS = {
  authorization: 'SecretAuthToken4711',
  cookie: 'SecretCookie4712',
  proxy: 'SecretProxy4713',
  param: 'SecretParam4714',
  vary: 'SecretApiKey4715',
  setCookie: 'SecretSetCookie4716',
};

/** Every encoding a value could hide in: as is, base64 (at each alignment), hex. */
function needles(secret: string): Buffer[] {
  const out = [Buffer.from(secret), Buffer.from(Buffer.from(secret).toString('hex'))];
  for (let shift = 0; shift < 3; shift++) {
    const b64 = Buffer.from('x'.repeat(shift) + secret).toString('base64');
    // The middle of the encoding, away from the edges that depend on neighbouring bytes.
    out.push(Buffer.from(b64.slice(Math.ceil((shift * 4) / 3) + 2, -4)));
  }
  return out;
}

/** The control: the public body is found in the same bytes, so the grep can fail. */
const BODY = '{"public":true}';
const holdsBody = (bytes: Buffer): boolean => needles(BODY).some((needle) => bytes.includes(needle));

function found(bytes: Buffer): string[] {
  return Object.entries(SECRETS)
    .filter(([, secret]) => needles(secret).some((needle) => bytes.includes(needle)))
    .map(([name]) => name);
}

async function filesUnder(dir: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) parts.push(await readFile(join((entry as unknown as { parentPath?: string; path: string }).parentPath ?? (entry as unknown as { path: string }).path, entry.name)));
  }
  return Buffer.concat(parts);
}

describe('faults: secrets grepped from every stored byte of every backend', function () {
  this.timeout(30_000);
  let origin: Server;
  let originUrl: string;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'axios-stash-secrets-'));
    origin = createServer((_req, res) =>
      void res
        .writeHead(200, { 'cache-control': 'max-age=600', vary: 'X-Api-Key', 'set-cookie': `sid=${SECRETS.setCookie}; HttpOnly`, 'content-type': 'application/json' })
        .end('{"public":true}'),
    );
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  });
  after(async () => {
    origin.closeAllConnections();
    origin.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function storeSecretly(storage: CacheStore): Promise<void> {
    const api = setupCache(axios.create({ baseURL: originUrl }), { storage, ignoredParams: ['token'] });
    const config = {
      params: { token: SECRETS.param, page: 1 },
      headers: {
        authorization: `Bearer ${SECRETS.authorization}`,
        cookie: `session=${SECRETS.cookie}`,
        'proxy-authorization': `Basic ${SECRETS.proxy}`,
        'x-api-key': SECRETS.vary,
      },
    };
    const miss = await api.get('/secret', config);
    expect(miss.headers['set-cookie']?.join()).to.contain(SECRETS.setCookie); // the caller gets its cookie
    await api.cache.idle();
    const hit = await api.get('/secret', config);
    expect(hit.cached, 'stored, so there is something to grep').to.equal(true);
  }

  it('SQLite: database, WAL and shared-memory files', async () => {
    const path = join(dir, 'secrets.sqlite');
    const storage = sqliteStorage({ path });
    await storeSecretly(storage);
    const bytes = await filesUnder(dir); // while open: the WAL holds the writes
    expect((await readdir(dir)).some((name) => name.endsWith('-wal'))).to.equal(true);
    expect(holdsBody(bytes)).to.equal(true);
    expect(found(bytes)).to.deep.equal([]);
    await storage.close?.();
    expect(found(await filesUnder(dir))).to.deep.equal([]);
  });

  it('file: every file of the directory', async () => {
    const files = join(dir, 'files');
    await storeSecretly(fileStorage({ dir: files }));
    const bytes = await filesUnder(files);
    expect(holdsBody(bytes)).to.equal(true);
    expect(found(bytes)).to.deep.equal([]);
  });

  it('Redis: every key and value of the namespace', async () => {
    const namespace = `secrets-${Date.now()}`;
    const storage = redisStorage({ namespace });
    await storeSecretly(storage);
    const client = createClient({ url: 'redis://127.0.0.1:6379' });
    await client.connect();
    try {
      const parts: Buffer[] = [];
      for await (const keys of client.scanIterator({ MATCH: `${namespace}*`, COUNT: 100 })) {
        for (const key of [keys].flat()) {
          parts.push(Buffer.from(key));
          // Every value of ours is a Redis string (SET PX); anything else would fail here, loudly.
          const value = await client.get(key);
          if (value !== null) parts.push(Buffer.from(value));
        }
      }
      expect(holdsBody(Buffer.concat(parts))).to.equal(true);
      expect(found(Buffer.concat(parts))).to.deep.equal([]);
    } finally {
      await storage.clear();
      await storage.close?.();
      await client.quit();
    }
  });

  it('memory: every entry, serialised whole', async () => {
    const storage = memoryStorage();
    await storeSecretly(storage);
    const parts: Buffer[] = [];
    // (Aliases hold header names and a generation, no values; the entries are what could leak.)
    for await (const key of storage.keys()) parts.push(Buffer.from(key), serialize(await storage.get(key)));
    expect(holdsBody(Buffer.concat(parts))).to.equal(true);
    expect(found(Buffer.concat(parts))).to.deep.equal([]);
  });

  // @keyv/postgres and @keyv/mysql keep one pool per process (per URI) that disconnect() ends for
  // every instance: these caches close with a no-op and only drop their own table.
  it('PostgreSQL (keyvStorage over @keyv/postgres): every column of every row of the table', async () => {
    const table = `stash_secrets_${process.pid}_${Date.now().toString(36)}`;
    const store = new KeyvPostgres({ uri: 'postgresql://postgres@127.0.0.1:5432/test', table });
    await storeSecretly(keyvStorage(new Keyv({ store, namespace: 'secrets' }), { close: async () => {} }));
    try {
      const rows = (await store.query(`SELECT * FROM ${table}`)) as Array<Record<string, unknown>>;
      const bytes = Buffer.from(JSON.stringify(rows));
      expect(rows.length).to.be.greaterThan(0);
      expect(holdsBody(bytes)).to.equal(true);
      expect(found(bytes)).to.deep.equal([]);
    } finally {
      await store.query(`DROP TABLE IF EXISTS ${table}`);
    }
  });

  it('MySQL/MariaDB (keyvStorage over @keyv/mysql): every column of every row of the table', async () => {
    const table = `stash_secrets_${process.pid}_${Date.now().toString(36)}`;
    const store = new KeyvMysql({ uri: 'mysql://root@127.0.0.1:3306/test', table });
    await storeSecretly(keyvStorage(new Keyv({ store, namespace: 'secrets' }), { close: async () => {} }));
    try {
      const rows = (await store.query(`SELECT * FROM \`${table}\``)) as Array<Record<string, unknown>>;
      const bytes = Buffer.from(JSON.stringify(rows));
      expect(rows.length).to.be.greaterThan(0);
      expect(holdsBody(bytes)).to.equal(true);
      expect(found(bytes)).to.deep.equal([]);
    } finally {
      await store.query(`DROP TABLE IF EXISTS \`${table}\``);
    }
  });
});
