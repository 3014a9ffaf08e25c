import { SingleBar } from 'cli-progress';
import type { Output } from './output.js';

/** A progress bar on stderr, drawn only when stderr is a terminal and there is enough to wait for. */
export interface Progress {
  tick(): void;
  stop(): void;
}

export function progressBar(out: Output, total: number, label: string, minimum = 10): Progress {
  if (!out.interactive || total < minimum) return { tick: () => undefined, stop: () => undefined };
  const bar = new SingleBar({
    stream: out.stderr as NodeJS.WriteStream,
    format: `${label} [{bar}] {value}/{total}`,
    hideCursor: true,
    clearOnComplete: true,
  });
  bar.start(total, 0);
  return { tick: () => bar.increment(), stop: () => bar.stop() };
}
