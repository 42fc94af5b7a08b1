/**
 * A progress bar on stderr for operations over many entries, through cli-progress. Shown only
 * when stderr is a terminal (a log file or a pipe gets no control characters) and only once the
 * work has gone on for a moment, so quick commands on small caches print nothing extra.
 *
 * cli-progress facts relied on: with `noTTYOutput: false` (its default) it writes nothing to a
 * stream whose `isTTY` is not true; `stop()` with `clearOnComplete` erases the bar's line.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** Starts a phase: `total` known (a bar with a percentage) or not (a counter). */
  phase(label: string, total?: number): void;
  /** Adds `n` done items to the current phase. */
  tick(n?: number): void;
  stop(): void;
}

export interface ProgressStream extends NodeJS.WritableStream {
  isTTY?: boolean;
  columns?: number;
}

/** Progress shown below this many items, or in the first moments, is noise. */
const MIN_ITEMS = 1000;

const silent: Progress = { phase() {}, tick() {}, stop() {} };

export function createProgress(stream: ProgressStream, enabled: boolean): Progress {
  if (!enabled || stream.isTTY !== true) return silent;
  let bar: cliProgress.SingleBar | undefined;
  let label = '';
  let total: number | undefined;
  let value = 0;
  const start = (): void => {
    bar = new cliProgress.SingleBar({
      stream,
      clearOnComplete: true,
      hideCursor: true,
      format: total === undefined ? `${label} {value} entries | {duration_formatted}` : `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted}`,
    });
    bar.start(total ?? 0, value);
  };
  const stop = (): void => {
    bar?.stop();
    bar = undefined;
  };
  return {
    phase(nextLabel, nextTotal) {
      stop();
      label = nextLabel;
      total = nextTotal;
      value = 0;
      if (total !== undefined && total >= MIN_ITEMS) start();
    },
    tick(n = 1) {
      value += n;
      if (bar === undefined && value >= MIN_ITEMS) start();
      bar?.update(value);
    },
    stop,
  };
}
