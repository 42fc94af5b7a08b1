/**
 * The `axios-stash` command line, run as a subprocess (node dist/cli.mjs …) against real SQLite,
 * file and Redis caches filled through setupCache from a real HTTP server.
 *
 * Every command runs on every backend; the options that do not depend on the store (--limit,
 * --status, short keys, --body, …) run on SQLite only, since each subprocess costs a Node start.
 * What a command did is checked in-process where possible (the instance that filled the cache
 * asks the origin again), which also proves the CLI and the library agree on the store layout.
 */
import axios, { type AxiosInstance } from 'axios';
import { expect } from 'chai';
import { setupCache, type CachedAxiosInstance } from '../../lib/setup.js';
import { useServer } from '../helpers/server.js';
import { keyvRaw } from '../storage/keyv-raw.js';
import { backends, type CliBackend, type CliCacheUnderTest } from './backends.js';
import { requireBuiltCli, runCli, type CliResult } from './run-cli.js';

const ROUTES = ['/users/1', '/users/2', '/posts/1', '/gone'];
/** Tags the application gave (`cache: { tags }`). */
const TAGS: Record<string, string[]> = { '/users/1': ['users', 'user:1'], '/users/2': ['users'] };

/** A describe block with a fresh cache of `backend` per test, holding the four ROUTES. */
function withFilledCache(backend: CliBackend) {
  const ctx = useServer();
  const state = {} as {
    cache: CliCacheUnderTest;
    api: CachedAxiosInstance<AxiosInstance>;
    host: string;
    /** The CLI against this test's cache. */
    cli(...args: string[]): Promise<CliResult>;
    url(path: string): string;
    /** Whether the filling instance answers `path` from the cache (false: it went to the origin). */
    cached(path: string): Promise<boolean>;
  };

  before(() => {
    requireBuiltCli();
    for (const path of ROUTES) {
      ctx.server.route(path, (_req, res) => {
        const status = path === '/gone' ? 404 : 200;
        res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'max-age=300', 'x-origin': 'yes' }).end(JSON.stringify({ path }));
      });
    }
    state.host = new URL(ctx.server.url).host;
    state.url = (path) => `${ctx.server.url}${path}`;
    state.cli = (...args) => runCli([...args, ...state.cache.args]);
    state.cached = async (path) => (await state.api.get(path)).cached === true;
  });

  beforeEach(async () => {
    state.cache = backend.create();
    state.api = setupCache(axios.create({ baseURL: ctx.server.url, validateStatus: () => true }), { storage: state.cache.storage });
    for (const path of ROUTES) await state.api.get(path, TAGS[path] ? { cache: { tags: TAGS[path] } } : {});
    for (const path of ROUTES) expect(await state.cached(path), `${path} cached`).to.equal(true);
  });

  afterEach(async () => {
    await state.cache.storage.clear();
    await state.api.cache.close();
  });

  after(() => backend.cleanup());
  return state;
}

const urlsOf = (result: CliResult): string[] => (JSON.parse(result.stdout) as Array<{ url: string }>).map((e) => e.url).sort();

for (const backend of backends) {
  describe(`CLI on ${backend.name}`, function () {
    const t = withFilledCache(backend);

    it('ls lists every entry, as a table and as JSON; ls <pattern> only the matching ones, and exits 1 when none match', async () => {
      const [table, json, users, none] = await Promise.all([
        t.cli('ls'),
        t.cli('ls', '--json'),
        t.cli('ls', `${t.host}/users/*`, '--json'),
        t.cli('ls', `${t.host}/nothing/*`),
      ]);
      expect(table.code, table.stderr).to.equal(0);
      const lines = table.stdout.trim().split('\n');
      expect(lines[0]).to.match(/^KEY\s+METHOD\s+STATUS\s+SIZE\s+AGE\s+EXPIRES\s+URL$/);
      expect(lines.slice(1).map((l) => /\S+:\/\/\S+/.exec(l)?.[0]).sort()).to.deep.equal(ROUTES.map(t.url).sort());
      expect(lines.find((l) => l.endsWith('/gone'))).to.match(/^[0-9a-f]{12}\s+GET\s+404\s+16 B\s+\d+s\s+fresh \d+m\s/);
      expect(lines.find((l) => l.includes('/users/1'))).to.match(/\/users\/1 {2}\[users, user:1\]$/);

      expect(json.code, json.stderr).to.equal(0);
      const entries = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
      expect(entries.map((e) => e.url).sort()).to.deep.equal(ROUTES.map(t.url).sort());
      const gone = entries.find((e) => e.url === t.url('/gone'))!;
      expect(gone).to.include({ method: 'GET', status: 404, bytes: 16, stale: false });
      expect(gone.key).to.match(/^[0-9a-f]{64}$/);
      expect(entries.find((e) => e.url === t.url('/users/1'))!.tags).to.have.members(['users', 'user:1']);
      expect(Date.parse(gone.expiresAt as string) - Date.parse(gone.createdAt as string)).to.be.within(295_000, 300_000);

      expect(users.code, users.stderr).to.equal(0);
      expect(urlsOf(users)).to.deep.equal([t.url('/users/1'), t.url('/users/2')]);
      expect(none.code).to.equal(1);
      expect(none.stdout.trim().split('\n')).to.have.length(1); // the header only
    });

    it('show <url|key> prints status, size, age, freshness and headers; an unknown URL exits 1', async () => {
      const [shown, json, missing] = await Promise.all([t.cli('show', t.url('/users/1')), t.cli('show', t.url('/users/1'), '--json'), t.cli('show', t.url('/users/3'))]);
      expect(shown.code, shown.stderr).to.equal(0);
      expect(shown.stdout).to.match(new RegExp(`^request\\s+GET ${t.url('/users/1')}$`, 'm'));
      expect(shown.stdout).to.match(/^status\s+200 OK$/m);
      expect(shown.stdout).to.match(/^size\s+19 B \(19 bytes\)$/m);
      expect(shown.stdout).to.match(/^age\s+\d+s$/m);
      expect(shown.stdout).to.match(/^freshness\s+fresh \d+m \(until \d{4}-\d\d-\d\dT/m);
      expect(shown.stdout).to.match(/^ {2}x-origin: yes$/m);
      expect(shown.stdout).to.match(/^ {2}cache-control: max-age=300$/m);

      const described = JSON.parse(json.stdout) as Record<string, unknown>;
      expect(described).to.include({ method: 'GET', url: t.url('/users/1'), status: 200, statusText: 'OK', bytes: 19, fresh: true });
      expect(described.headers).to.include({ 'x-origin': 'yes' });
      const byKey = await t.cli('show', described.key as string, '--json');
      expect(JSON.parse(byKey.stdout)).to.deep.include({ key: described.key, url: t.url('/users/1') });

      expect(missing.code).to.equal(1);
      expect(missing.stdout).to.equal('');
      expect(missing.stderr).to.include(`no entry for ${t.url('/users/3')}`);
    });

    it('rm <pattern> removes the matching entries (exit 0), and the instance goes to the origin for them again; nothing matched exits 1', async () => {
      const removed = await t.cli('rm', `${t.host}/users/*`);
      expect(removed.code, removed.stderr).to.equal(0);
      expect(removed.stdout.trim()).to.equal(`removed 2 entries from ${t.cache.args[1]}`);
      expect(await t.cached('/users/1')).to.equal(false);
      expect(await t.cached('/posts/1')).to.equal(true);

      const again = await t.cli('rm', `${t.host}/nothing/*`, '--json');
      expect(again.code).to.equal(1);
      expect(JSON.parse(again.stdout)).to.deep.equal({ removed: 0 });
    });

    it('rm --tag removes the entries with that tag; ls --tag lists them', async () => {
      const listed = await t.cli('ls', '--tag', 'users', '--json');
      expect(urlsOf(listed)).to.deep.equal([t.url('/users/1'), t.url('/users/2')]);
      const removed = await t.cli('rm', '--tag', 'users', '--json');
      expect(removed.code, removed.stderr).to.equal(0);
      expect(JSON.parse(removed.stdout)).to.deep.equal({ removed: 2 });
      expect(await t.cached('/users/2')).to.equal(false);
      expect(await t.cached('/posts/1')).to.equal(true);
      const [again, none] = await Promise.all([t.cli('rm', '--tag', 'users'), t.cli('ls', '--tag', 'users')]);
      expect(again.code).to.equal(1);
      expect(none.code).to.equal(1);
    });

    it('an unreadable entry is skipped (ls exits 0; show says what it is); prune removes it and keeps the readable ones', async () => {
      const garbage = 'f'.repeat(64);
      await keyvRaw.write(t.cache.storage, 'keyv', 'entry', garbage, 'not an entry of ours');
      const [listed, shown] = await Promise.all([t.cli('ls', '--json'), t.cli('show', garbage)]);
      expect(listed.code, listed.stderr).to.equal(0);
      expect(JSON.parse(listed.stdout)).to.have.length(ROUTES.length);
      expect(shown.code, shown.stderr).to.equal(1);
      expect(shown.stderr).to.include('1 stored value could not be read').and.include('`prune` removes them');

      const pruned = await t.cli('prune', '--json');
      expect(pruned.code, pruned.stderr).to.equal(0);
      expect(JSON.parse(pruned.stdout)).to.deep.equal({ removed: 1 });
      for (const path of ROUTES) expect(await t.cached(path), path).to.equal(true);
    });

    it('clear --yes removes every entry', async () => {
      const cleared = await t.cli('clear', '--yes', '--json');
      expect(cleared.code, cleared.stderr).to.equal(0);
      expect(JSON.parse(cleared.stdout)).to.deep.equal({ cleared: true });
      for (const path of ROUTES) expect(await t.cached(path), path).to.equal(false);
    });

    it('stats counts entries, fresh and stale, bytes, statuses and the bytes on disk', async () => {
      const stats = await t.cli('stats', '--json');
      expect(stats.code, stats.stderr).to.equal(0);
      const counted = JSON.parse(stats.stdout) as Record<string, unknown>;
      expect(counted).to.deep.include({ entries: 4, fresh: 4, stale: 0, bytes: 19 + 19 + 19 + 16, statuses: { 200: 3, 404: 1 }, methods: { GET: 4 }, tags: { users: 2, 'user:1': 1 } });
      if (backend.name === 'redis') expect(counted.diskBytes).to.equal(null);
      else expect(counted.diskBytes).to.be.a('number').above(0);
    });
  });
}

describe('CLI options (on SQLite)', function () {
  const t = withFilledCache(backends.find((b) => b.name === 'sqlite')!);

  it('ls --limit, --status, --older-than and --method narrow the listing', async () => {
    const [limited, byStatus, old, head] = await Promise.all([
      t.cli('ls', '--limit', '1', '--json'),
      t.cli('ls', '--status', '404,410', '--json'),
      t.cli('ls', '--older-than', '1h', '--json'),
      t.cli('ls', '--method', 'head', `${t.host}/users/*`),
    ]);
    expect(head.code).to.equal(1);
    expect(JSON.parse(limited.stdout)).to.have.length(1);
    expect(urlsOf(byStatus)).to.deep.equal([t.url('/gone')]);
    expect(old.code).to.equal(1);
    expect(JSON.parse(old.stdout)).to.deep.equal([]);
  });

  it('show accepts the start of a key as ls prints it, and --body writes the stored body', async () => {
    const listed = JSON.parse((await t.cli('ls', `${t.host}/users/1`, '--json')).stdout) as Array<{ key: string }>;
    const [short, body] = await Promise.all([t.cli('show', listed[0]!.key.slice(0, 12), '--json'), t.cli('show', t.url('/users/1'), '--body')]);
    expect(JSON.parse(short.stdout)).to.deep.include({ key: listed[0]!.key, url: t.url('/users/1') });
    expect(body.stdout).to.equal('{"path":"/users/1"}');
  });

  it('rm <url> removes that URL; again, it exits 1 and says 0', async () => {
    const removed = await t.cli('rm', t.url('/posts/1'), '--json');
    expect(removed.code, removed.stderr).to.equal(0);
    expect(JSON.parse(removed.stdout)).to.deep.equal({ removed: 1 });
    expect(await t.cached('/posts/1')).to.equal(false);
    expect(await t.cached('/users/1')).to.equal(true);
    // The instance stored /posts/1 again just now.
    await t.cli('rm', t.url('/posts/1'));
    const again = await t.cli('rm', t.url('/posts/1'));
    expect(again.code).to.equal(1);
    expect(again.stdout.trim()).to.equal(`removed 0 entries from ${t.cache.args[1]}`);
  });

  it('clear without --yes, stdin not a terminal: refuses with exit 2 and removes nothing', async () => {
    const refused = await t.cli('clear');
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.include('pass --yes');
    for (const path of ROUTES) expect(await t.cached(path), path).to.equal(true);
  });

  it('stats as text', async () => {
    const text = await t.cli('stats');
    expect(text.stdout).to.match(/^entries\s+4 \(4 fresh, 0 stale\)$/m);
    expect(text.stdout).to.match(/^statuses\s+200: 3, 404: 1$/m);
    expect(text.stdout).to.match(/^on disk\s+\d+(\.\d)? KB$/m);
  });

  it('prune with nothing to prune exits 0', async () => {
    const nothing = await t.cli('prune');
    expect(nothing.code).to.equal(0);
    expect(nothing.stdout).to.match(/^pruned 0 expired or unreadable entries from sqlite:/);
  });
});
