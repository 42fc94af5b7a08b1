/**
 * Malformed, duplicated and conflicting caching headers from a real origin (RFC 9111 §4.2.1,
 * §5.2, §5.3, §1.2.2): they never fail a request, and the cache takes the conservative reading.
 *
 * The origin here is a raw TCP server that writes the exact response bytes, so duplicated lines
 * reach Node's HTTP parser as sent. Node then joins repeated Cache-Control (and Vary) lines with
 * ", ", and keeps only the first of repeated Age, Expires, ETag, Last-Modified and Date lines: the
 * cases are written with what axios can actually see in mind.
 */
import { expect } from 'chai';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { cachedClient, DAY, httpDate, MINUTE, settled } from './helpers.js';
import type { CacheOptions } from '../../../lib/index.js';

interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
}

/** A raw origin: per path, the header lines (and status line) to write verbatim. */
class RawOrigin {
  readonly requests: RawRequest[] = [];
  private readonly routes = new Map<string, (req: RawRequest) => { status?: string; lines: string[]; body?: string }>();
  private readonly sockets = new Set<Socket>();
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {});
      let buffer = '';
      socket.on('data', (chunk: Buffer) => {
        buffer += chunk.toString('latin1');
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const [requestLine, ...headerLines] = buffer.slice(0, end).split('\r\n');
        buffer = '';
        const [method = 'GET', path = '/'] = requestLine!.split(' ');
        const headers: Record<string, string> = {};
        for (const line of headerLines) {
          const colon = line.indexOf(':');
          headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        const req = { method, path, headers };
        this.requests.push(req);
        const route = this.routes.get(path);
        const answer = route ? route(req) : { status: '404 Not Found', lines: [], body: 'no route' };
        const body = Buffer.from(answer.body ?? 'ok', 'latin1');
        const head = [`HTTP/1.1 ${answer.status ?? '200 OK'}`, ...answer.lines, `Content-Length: ${body.length}`, 'Connection: close', '', ''].join('\r\n');
        socket.end(Buffer.concat([Buffer.from(head, 'latin1'), method === 'HEAD' ? Buffer.alloc(0) : body]));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  route(path: string, answer: (req: RawRequest) => { status?: string; lines: string[]; body?: string }): void {
    this.routes.set(path, answer);
  }

  seen(path: string): RawRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

type Reading = 'reused' | 'not reused';

interface Case {
  name: string;
  lines: () => string[];
  expected: Reading;
  options?: CacheOptions;
}

describe('malformed and conflicting caching headers from a real origin', () => {
  const origin = new RawOrigin();
  before(() => origin.start());
  after(() => origin.close());
  let seq = 0;

  /** Two GETs of a route answering `lines`; resolves how the second was answered. */
  async function twice(lines: () => string[], options: CacheOptions = {}) {
    const p = `/raw-${++seq}`;
    origin.route(p, () => ({ lines: lines() }));
    const api = cachedClient(origin, options);
    const first = await api.get(p);
    expect(first.status).to.equal(200);
    expect(first.data).to.equal('ok');
    const second = await api.get(p);
    expect(second.status).to.equal(200);
    expect(second.data).to.equal('ok');
    return { p, api, first, second };
  }

  const cases: Case[] = [
    // Cache-Control: repeated, conflicting, out of range (§4.2.1, §1.2.2, §5.2)
    { name: '§4.2.1 two max-age lines (60 and 0): the most restrictive wins', lines: () => ['Cache-Control: max-age=60', 'Cache-Control: max-age=0'], expected: 'not reused' },
    { name: '§4.2.1 two max-age values in one line (0 and 60): the most restrictive wins', lines: () => ['Cache-Control: max-age=0, max-age=60'], expected: 'not reused' },
    { name: '§4.2.1 max-age=60 with no-store on another line: not stored', lines: () => ['Cache-Control: max-age=60', 'Cache-Control: no-store'], expected: 'not reused' },
    { name: '§4.2.1 a negative max-age is invalid: stale', lines: () => ['Cache-Control: max-age=-5'], expected: 'not reused' },
    { name: '§4.2.1 a fractional max-age is invalid: stale', lines: () => ['Cache-Control: max-age=1.5'], expected: 'not reused' },
    { name: '§4.2.1 max-age followed by junk is invalid: stale', lines: () => ['Cache-Control: max-age=60 junk'], expected: 'not reused' },
    { name: '§4.2.1 max-age without a value is invalid: stale', lines: () => ['Cache-Control: max-age'], expected: 'not reused' },
    { name: '§4.2.1 max-age= (empty) is invalid: stale', lines: () => ['Cache-Control: max-age='], expected: 'not reused' },
    { name: '§1.2.2 a huge max-age is capped at 2^31 seconds, not overflowed', lines: () => ['Cache-Control: max-age=99999999999999999999999'], expected: 'reused' },
    { name: '§1.2.2 leading zeros are still delta-seconds', lines: () => ['Cache-Control: max-age=0060'], expected: 'reused' },
    { name: '§5.2 a quoted max-age is accepted (recipients accept both forms)', lines: () => ['Cache-Control: max-age="60"'], expected: 'reused' },
    { name: '§5.2 directive names are case-insensitive (MAX-AGE)', lines: () => ['Cache-Control: MAX-AGE=60'], expected: 'reused' },
    { name: '§5.2 directive names are case-insensitive (No-CaChE)', lines: () => ['Cache-Control: max-age=60, No-CaChE'], expected: 'not reused' },
    { name: '§5.2 directive names are case-insensitive (NO-STORE)', lines: () => ['Cache-Control: NO-STORE, max-age=60'], expected: 'not reused' },
    { name: '§5.2.3 unknown directives are ignored', lines: () => ['Cache-Control: foo, max-age=60, bar="baz, no-store", x=, =, ,,'], expected: 'reused' },
    { name: '§5.2 a quoted comma does not split a directive', lines: () => ['Cache-Control: x="no-store, max-age=0", max-age=60'], expected: 'reused' },
    { name: '§5.2 garbage alone gives no freshness', lines: () => ['Cache-Control: ;;;, "", \\\\'], expected: 'not reused' },
    { name: '§5.2 obs-text in an unknown directive does not break parsing', lines: () => ['Cache-Control: max-age=60, x="caf\xe9"'], expected: 'reused' },
    { name: '§5.2.2.10 an invalid s-maxage in a shared cache is stale, whatever max-age says', lines: () => ['Cache-Control: s-maxage=abc, max-age=60'], expected: 'not reused', options: { shared: true } },
    { name: '§5.2.2.10 ... and is ignored by a private cache', lines: () => ['Cache-Control: s-maxage=abc, max-age=60'], expected: 'reused' },
    { name: 'RFC 5861 an invalid stale-while-revalidate gives no stale window', lines: () => ['Cache-Control: max-age=1, stale-while-revalidate=soon', 'Age: 30'], expected: 'not reused', options: { heuristic: 0 } },

    // Expires (§5.3)
    { name: '§5.3 an Expires that is not a date is already expired', lines: () => ['Expires: next tuesday'], expected: 'not reused' },
    { name: '§5.3 an Expires in a zone other than GMT is invalid', lines: () => [`Expires: ${httpDate(DAY).replace('GMT', 'PST')}`], expected: 'not reused' },
    { name: '§5.3 an empty Expires is already expired', lines: () => ['Expires: '], expected: 'not reused' },
    { name: '§5.3 a far-future Expires is fresh', lines: () => ['Expires: Fri, 31 Dec 9999 23:59:59 GMT'], expected: 'reused' },
    { name: '§5.3 of repeated Expires lines Node keeps the first: an invalid first one is expired', lines: () => ['Expires: 0', `Expires: ${httpDate(DAY)}`], expected: 'not reused' },
    { name: '§5.3 an invalid Expires does not shorten a valid max-age (max-age wins)', lines: () => ['Cache-Control: max-age=60', 'Expires: 0'], expected: 'reused' },

    // Date and Age (§4.2.3)
    { name: '§4.2.3 an invalid Date is replaced by the time of receipt', lines: () => ['Cache-Control: max-age=60', 'Date: yesterday-ish'], expected: 'reused' },
    { name: '§4.2.3 a Date far in the past ages the response beyond max-age', lines: () => ['Cache-Control: max-age=60', 'Date: Mon, 01 Jan 1990 00:00:00 GMT'], expected: 'not reused' },
    { name: '§4.2.3 a Date in the future does not make the age negative', lines: () => ['Cache-Control: max-age=60', `Date: ${httpDate(DAY)}`], expected: 'reused' },
    { name: '§4.2.3 an Age that is not delta-seconds is not available (0)', lines: () => ['Cache-Control: max-age=60', 'Age: abc'], expected: 'reused' },
    { name: '§4.2.3 a negative Age is not available (0)', lines: () => ['Cache-Control: max-age=60', 'Age: -30'], expected: 'reused' },
    { name: '§1.2.2 a huge Age is capped, and ages the response beyond max-age', lines: () => ['Cache-Control: max-age=60', 'Age: 99999999999999999999999'], expected: 'not reused' },
    { name: '§4.2.3 of repeated Age lines Node keeps the first', lines: () => ['Cache-Control: max-age=60', 'Age: 3600', 'Age: 0'], expected: 'not reused' },

    // Validators and heuristics (§4.2.2, §4.3.1)
    { name: '§4.2.2 an invalid Last-Modified gives no heuristic freshness', lines: () => ['Last-Modified: a while ago'], expected: 'not reused' },
    { name: '§4.2.2 a Last-Modified in the future gives no heuristic freshness', lines: () => [`Last-Modified: ${httpDate(DAY)}`], expected: 'not reused' },
    { name: '§4.2.2 an RFC 850 Last-Modified is still a date', lines: () => ['Last-Modified: Sunday, 06-Nov-94 08:49:37 GMT'], expected: 'reused' },
    { name: '§4.2.2 an asctime Last-Modified is still a date', lines: () => ['Last-Modified: Sun Nov  6 08:49:37 1994'], expected: 'reused' },
  ];

  for (const { name, lines, expected, options } of cases) {
    it(`${name}: ${expected}`, async () => {
      const { second } = await twice(lines, options);
      expect(second.cache?.state).to.equal(expected === 'reused' ? 'hit' : 'miss');
    });
  }

  it('§4.3.1 an empty ETag is no validator: nothing conditional is sent', async () => {
    const { p, second } = await twice(() => ['ETag: ', 'Cache-Control: max-age=0']);
    expect(second.cached).to.equal(false);
    expect(origin.seen(p).map((r) => r.headers['if-none-match'])).to.deep.equal([undefined, undefined]);
  });

  it('§4.3.1 an invalid Last-Modified is never sent back as If-Modified-Since', async () => {
    const { p } = await twice(() => ['Last-Modified: a while ago', 'ETag: "x"', 'Cache-Control: max-age=0']);
    expect(origin.seen(p).map((r) => r.headers['if-modified-since'])).to.deep.equal([undefined, undefined]);
    expect(origin.seen(p).map((r) => r.headers['if-none-match'])).to.deep.equal([undefined, '"x"']);
  });

  it('§4.3.1 a Last-Modified in the future is still sent back verbatim for validation', async () => {
    const future = httpDate(DAY);
    const { p } = await twice(() => [`Last-Modified: ${future}`]);
    expect(origin.seen(p).map((r) => r.headers['if-modified-since'])).to.deep.equal([undefined, future]);
  });

  it('§5.2 No-CaChE on a response with a validator means validation on every use', async () => {
    const p = `/raw-${++seq}`;
    origin.route(p, (req) =>
      req.headers['if-none-match'] === '"nc"' ? { status: '304 Not Modified', lines: ['ETag: "nc"'], body: '' } : { lines: ['Cache-Control: max-age=600, No-CaChE', 'ETag: "nc"'] },
    );
    const api = cachedClient(origin);
    const states = [];
    for (let i = 0; i < 3; i++) states.push((await api.get(p)).cache?.state);
    expect(states).to.deep.equal(['miss', 'revalidated', 'revalidated']);
  });

  it('§4.1 a Vary list with empty members and odd spacing selects on the header it names', async () => {
    const p = `/raw-${++seq}`;
    origin.route(p, (req) => ({ lines: ['Cache-Control: max-age=600', 'Vary: ,, ACCEPT-language ,', 'Vary: '], body: `lang ${req.headers['accept-language']}` }));
    const api = cachedClient(origin);
    await api.get(p, { headers: { 'accept-language': 'en' } });
    const en = await api.get(p, { headers: { 'accept-language': 'en' } });
    const fr = await api.get(p, { headers: { 'accept-language': 'fr' } });
    expect([en.cache?.state, en.data, fr.cache?.state, fr.data]).to.deep.equal(['hit', 'lang en', 'miss', 'lang fr']);
  });

  it('§4.4 an unparseable or foreign Location on an unsafe response fails nothing', async () => {
    const p = `/raw-${++seq}`;
    origin.route(p, (req) =>
      req.method === 'GET'
        ? { lines: ['Cache-Control: max-age=600'] }
        : { status: '201 Created', lines: ['Location: http://[bad', 'Content-Location: ::::', 'Location: javascript:alert(1)'] },
    );
    const api = cachedClient(origin);
    await api.get(p);
    const post = await api.post(p, 'x');
    expect(post.status).to.equal(201);
    // The target URI itself is still invalidated.
    expect((await api.get(p)).cache?.state).to.equal('miss');
  });

  it('§4.3.4 a 304 with malformed headers never fails the request: its garbage is merged conservatively', async () => {
    const p = `/raw-${++seq}`;
    origin.route(p, (req) =>
      req.headers['if-none-match'] === '"g"'
        ? { status: '304 Not Modified', lines: ['ETag: "g"', 'Cache-Control: max-age=banana', 'Age: -1', 'Date: never', 'Expires: soon'], body: '' }
        : { lines: ['ETag: "g"', 'Cache-Control: max-age=0'], body: 'good body' },
    );
    const api = cachedClient(origin);
    await api.get(p);
    const res = await api.get(p);
    expect([res.status, res.data, res.cache?.state]).to.deep.equal([200, 'good body', 'revalidated']);
    // max-age=banana reads as 0: the next request validates again rather than trusting it.
    expect((await api.get(p)).cache?.state).to.equal('revalidated');
    expect(origin.seen(p)).to.have.length(3);
  });

  it('§3 a status the cache does not understand (599) with max-age is passed on, not stored', async () => {
    const p = `/raw-${++seq}`;
    origin.route(p, () => ({ status: '599 Odd', lines: ['Cache-Control: max-age=600'] }));
    const api = cachedClient(origin);
    const first = await settled(api.get(p));
    const second = await settled(api.get(p));
    expect([first.status, second.status, second.cached]).to.deep.equal([599, 599, false]);
  });

  it('§1.2.2 a lifetime of 2^31 seconds is stored and served without overflowing', async () => {
    const { second } = await twice(() => ['Cache-Control: max-age=2147483648']);
    expect(second.cache?.state).to.equal('hit');
    expect(second.cache!.expiresAt! - second.cache!.createdAt!).to.be.greaterThan(2_000_000 * MINUTE);
  });
});
