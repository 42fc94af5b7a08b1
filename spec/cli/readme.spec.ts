/**
 * The README's "Command line" examples, run as written (`npx axios-stash` becomes the built
 * dist/cli.mjs) in a directory whose ./http-cache.sqlite an application filled through
 * setupCache. Each shell block runs under `bash -e`: every line must succeed.
 */
import axios, { type AxiosAdapter } from 'axios';
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setupCache } from '../../lib/setup.js';
import { sqliteStorage } from '../../lib/storage/sqlite.js';
import { cliPath, requireBuiltCli, root } from './run-cli.js';

const run = promisify(execFile);

function commandLineBlocks(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = /^## Command line\n([\s\S]*?)^## /m.exec(readme)?.[1];
  if (section === undefined) throw new Error('README has no "## Command line" section');
  return [...section.matchAll(/^```sh\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
}

/** api.example.com as an application saw it; no network involved. */
const origin: AxiosAdapter = async (config) => {
  const path = new URL(config.url!, config.baseURL).pathname;
  return { data: JSON.stringify({ path }), status: 200, statusText: 'OK', headers: { 'content-type': 'application/json', 'cache-control': 'max-age=600' }, config, request: {} };
};

async function fill(dir: string): Promise<void> {
  const api = setupCache(axios.create({ baseURL: 'https://api.example.com', adapter: origin }), { storage: sqliteStorage({ path: join(dir, 'http-cache.sqlite') }) });
  for (const path of ['/users/1', '/users/2']) await api.get(path);
  await api.get('/posts/1', { cache: { tags: ['posts'] } });
  await api.cache.close();
}

describe('CLI: the README examples run', function () {
  let dir: string;
  before(() => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'axios-stash-cli-readme-'));
    mkdirSync(join(dir, '.http-cache'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('has the blocks this spec runs', () => {
    expect(commandLineBlocks()).to.have.length(2);
  });

  commandLineBlocks().forEach((block, i) => {
    it(`block ${i + 1}`, async () => {
      await fill(dir);
      const script = block.replaceAll('npx axios-stash', `node '${cliPath}'`);
      const env = { ...process.env } as Record<string, string>;
      delete env.AXIOS_STASH_STORE;
      delete env.AXIOS_STASH_NAMESPACE;
      try {
        await run('bash', ['-e', '-c', script], { cwd: dir, env, timeout: 30_000 });
      } catch (error) {
        const e = error as { code?: number; stdout?: string; stderr?: string };
        throw new Error(`README block ${i + 1} failed (exit ${e.code}):\n${e.stdout}\n${e.stderr}`);
      }
    });
  });
});
