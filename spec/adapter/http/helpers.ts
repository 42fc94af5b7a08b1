/**
 * Shared by the end-to-end HTTP semantics specs (spec/adapter/http/*.spec.ts): a cached axios
 * instance on the test server, unique paths, HTTP-dates relative to now, and what reached the origin.
 */
import axios, { AxiosError, type AxiosResponse } from 'axios';
import { type CacheEvent, type CacheOptions, setupCache } from '../../../lib/index.js';
import type { SeenRequest, TestServer } from '../../helpers/server.js';

let seq = 0;

/** A path no other test uses, so entries and counters never leak between tests. */
export function uniquePath(name: string): string {
  return `/${name}-${++seq}-${process.pid}`;
}

/** `setupCache(axios.create({ baseURL }), options)` on the test server (or any origin with a `url`). */
export function cachedClient(server: Pick<TestServer, 'url'>, options: CacheOptions = {}) {
  return setupCache(axios.create({ baseURL: server.url }), options);
}

/** A cached client that also records every cache event it reports through `debug`. */
export function recordingClient(server: Pick<TestServer, 'url'>, options: CacheOptions = {}) {
  const events: CacheEvent[] = [];
  const api = cachedClient(server, { ...options, debug: (event) => events.push(event) });
  return { api, events };
}

/** An IMF-fixdate `offsetMs` from now (negative: in the past). */
export function httpDate(offsetMs = 0): string {
  return new Date(Date.now() + offsetMs).toUTCString();
}

/** The requests that reached `path`, in order. */
export function seen(server: TestServer, path: string): SeenRequest[] {
  return server.requests.filter((r) => r.path.split('?')[0] === path);
}

/** Resolves the response, or the response of the AxiosError it was rejected with. */
export async function settled<T = unknown>(request: Promise<AxiosResponse<T>>): Promise<AxiosResponse<T>> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof AxiosError && error.response) return error.response as AxiosResponse<T>;
    throw error;
  }
}

/** Accept every status: for tests that look at 4xx/5xx and 304 answers as plain responses. */
export const anyStatus = { validateStatus: () => true } as const;

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const DAY = 24 * 60 * MINUTE;
