import { Presets, SingleBar } from 'cli-progress';

export interface ProgressState {
  range: string;
  page: number;
  rangePages: number;
  pagesDone: number;
  pagesPlanned: number;
  kept: number;
  skipped: number;
}

export interface Progress {
  update(state: ProgressState): void;
  /** A message that must not be drawn over by the bar (retries, warnings). */
  log(line: string): void;
  stop(): void;
}

/** A redrawn bar on a terminal; plain lines at most every `intervalMs` otherwise (CI logs, pipes). */
export function createProgress(stream: NodeJS.WriteStream, intervalMs = 5_000): Progress {
  return stream.isTTY ? barProgress(stream) : lineProgress(stream, intervalMs);
}

function barProgress(stream: NodeJS.WriteStream): Progress {
  const bar = new SingleBar(
    { format: '{bar} {value}/{total} pages | {range} p{page}/{rangePages} | kept {kept} | skipped {skipped}', stream, hideCursor: true },
    Presets.shades_classic,
  );
  let started = false;
  let last: ProgressState | undefined;
  return {
    update(state) {
      last = state;
      const payload = { ...state };
      if (!started) {
        bar.start(state.pagesPlanned, state.pagesDone, payload);
        started = true;
      }
      bar.setTotal(state.pagesPlanned);
      bar.update(state.pagesDone, payload);
    },
    log(line) {
      stream.write(`\r\x1b[K${line}\n`);
      if (started && last) bar.update(last.pagesDone, { ...last });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function lineProgress(stream: NodeJS.WriteStream, intervalMs: number): Progress {
  let lastWrite = 0;
  const write = (s: ProgressState) =>
    stream.write(`tmdb: ${s.range} page ${s.page}/${s.rangePages} | pages ${s.pagesDone}/${s.pagesPlanned} | kept ${s.kept} | skipped ${s.skipped}\n`);
  return {
    update(state) {
      const rangeDone = state.page === state.rangePages;
      if (rangeDone || Date.now() - lastWrite >= intervalMs) {
        write(state);
        lastWrite = Date.now();
      }
    },
    log(line) {
      stream.write(`${line}\n`);
    },
    stop() {},
  };
}
