/** The CLI's pure parts: --store parsing, what an argument names, formatting, the progress bar. */
import { expect } from 'chai';
import { Writable } from 'node:stream';
import { CliError, ExitCode } from '../../lib/cli/exit-codes.js';
import { formatBytes, formatFreshness, formatSpan } from '../../lib/cli/format.js';
import { createProgress } from '../../lib/cli/progress.js';
import { parseStoreSpec } from '../../lib/cli/store-spec.js';
import { classifyTarget } from '../../lib/cli/target.js';

function usage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(CliError);
    expect((error as CliError).exitCode).to.equal(ExitCode.USAGE);
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('CLI: --store and --namespace', () => {
  it('sqlite:, file: and redis[s]:// forms, with the namespace as the SQLite table or the Redis prefix', () => {
    expect(parseStoreSpec('sqlite:./http-cache.sqlite')).to.deep.equal({ kind: 'sqlite', path: './http-cache.sqlite', label: 'sqlite:./http-cache.sqlite' });
    expect(parseStoreSpec('sqlite:///var/cache/http.sqlite', 'api_cache')).to.include({ kind: 'sqlite', path: '/var/cache/http.sqlite', table: 'api_cache' });
    expect(parseStoreSpec('file:./.http-cache')).to.include({ kind: 'file', dir: './.http-cache' });
    expect(parseStoreSpec('file:///tmp/c')).to.include({ kind: 'file', dir: '/tmp/c' });
    expect(parseStoreSpec('redis://127.0.0.1:6379', 'svc')).to.include({ kind: 'redis', url: 'redis://127.0.0.1:6379', namespace: 'svc' });
    expect(parseStoreSpec('rediss://h:6380/2')).to.include({ kind: 'redis', url: 'rediss://h:6380/2' });
  });

  it('labels hide a Redis password', () => {
    expect(parseStoreSpec('redis://:pw@h:6379').label).to.equal('redis://:***@h:6379');
    expect(parseStoreSpec('redis://user:pw@h:6379/1').label).to.equal('redis://user:***@h:6379/1');
  });

  it('refuses what it cannot open, saying what it takes', () => {
    expect(usage(() => parseStoreSpec(undefined))).to.include('--store is required');
    expect(usage(() => parseStoreSpec('sqlite:'))).to.include('names no file');
    expect(usage(() => parseStoreSpec('./http-cache.sqlite'))).to.include('use sqlite:<path>, file:<dir> or redis://host:port');
    expect(usage(() => parseStoreSpec('file:/tmp/c', 'ns'))).to.include('--namespace does not apply to a file store');
    expect(usage(() => parseStoreSpec('redis://h', ''))).to.include('--namespace must not be empty');
  });
});

describe('CLI: what a show/rm argument names', () => {
  it('a key, the start of a key, one URL, or a pattern', () => {
    const key = 'ab'.repeat(32);
    expect(classifyTarget(key)).to.deep.equal({ kind: 'key', key });
    expect(classifyTarget(key.toUpperCase())).to.deep.equal({ kind: 'key', key });
    expect(classifyTarget('abababab')).to.deep.equal({ kind: 'key-prefix', prefix: 'abababab' });
    expect(classifyTarget('https://api.example.com/users/1')).to.deep.equal({ kind: 'url', url: 'https://api.example.com/users/1' });
    expect(classifyTarget('https://api.example.com/users/*')).to.deep.equal({ kind: 'pattern', pattern: 'https://api.example.com/users/*' });
    expect(classifyTarget('api.example.com/users')).to.deep.equal({ kind: 'pattern', pattern: 'api.example.com/users' });
  });
});

describe('CLI: formatting', () => {
  it('sizes, spans and freshness', () => {
    expect([0, 1023, 1024, 1536, 10 * 1024, 5 * 1024 ** 3].map(formatBytes)).to.deep.equal(['0 B', '1023 B', '1.0 KB', '1.5 KB', '10 KB', '5.0 GB']);
    expect([0, 41_999, 5 * 60_000, 3 * 3_600_000, 49 * 3_600_000].map(formatSpan)).to.deep.equal(['0s', '41s', '5m', '3h', '2d']);
    expect(formatFreshness(Infinity, 0)).to.equal('never');
    expect(formatFreshness(120_000, 0)).to.equal('fresh 2m');
    expect(formatFreshness(0, 7_200_000)).to.equal('stale 2h');
  });
});

describe('CLI: progress bar', () => {
  function terminal(isTTY: boolean): Writable & { isTTY: boolean; columns: number; text: () => string } {
    let written = '';
    const stream = new Writable({
      write(chunk, _enc, done) {
        written += String(chunk);
        done();
      },
    }) as Writable & { isTTY: boolean; columns: number; text: () => string };
    Object.assign(stream, { isTTY, columns: 100, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
    stream.text = () => written;
    return stream;
  }

  it('is drawn on a terminal once the work reaches 1000 entries, with a percentage when the total is known', () => {
    const stream = terminal(true);
    const progress = createProgress(stream, true);
    progress.phase('removing', 5000);
    progress.tick(2500);
    progress.stop();
    expect(stream.text()).to.match(/removing \[=+-+\] 50% \| 2500\/5000/);
  });

  it('draws nothing for a few entries, on a stream that is not a terminal, or with --no-progress', () => {
    for (const [isTTY, enabled, items] of [[true, true, 999], [false, true, 5000], [true, false, 5000]] as const) {
      const stream = terminal(isTTY);
      const progress = createProgress(stream, enabled);
      progress.phase('scanning');
      progress.tick(items);
      progress.stop();
      expect(stream.text(), `isTTY ${isTTY}, enabled ${enabled}, ${items} items`).to.equal('');
    }
  });
});
