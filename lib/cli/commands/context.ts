import type { OpenedCache } from '../open-store.js';
import type { Progress } from '../progress.js';

/** Where a command reads and writes: the process' streams in production, buffers in unit specs. */
export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  now(): number;
}

export interface CommandContext {
  readonly store: OpenedCache;
  readonly io: CliIo;
  readonly json: boolean;
  readonly progress: Progress;
}

/** Writes one line (or a JSON value as one document) to stdout. */
export function out(io: CliIo, text: string): void {
  io.stdout.write(`${text}\n`);
}

export function outJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
