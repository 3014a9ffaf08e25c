/**
 * The fan-out bench's helper processes: stream readers (stream-readers.mjs, one or more children
 * sharing the streams) and the floor server (floor-server.mjs), plus pinning to a core with
 * `taskset` and the monotonic clock shared with them.
 */
import { execFileSync, fork } from 'node:child_process';
import os from 'node:os';

/** Milliseconds on the monotonic clock every process on the machine shares (hrtime). */
const monotonicOffset = Number(process.hrtime.bigint()) / 1e6 - performance.now();
export const monotonicMs = () => performance.now() + monotonicOffset;

let tasksetWorks;
/** Whether `taskset` is installed and there are two cores or more to split. */
export function canPin() {
  if (tasksetWorks === undefined) {
    try {
      execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
      tasksetWorks = os.cpus().length >= 2;
    } catch {
      tasksetWorks = false;
    }
  }
  return tasksetWorks;
}

/** Pins every thread of `pid` to `cpu`; false when it could not. */
export function pin(pid, cpu) {
  try {
    execFileSync('taskset', ['-a', '-cp', String(cpu), String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Lets `pid` run on every core again (the stream replica after its fan-out). */
export function unpin(pid) {
  try {
    execFileSync('taskset', ['-a', '-cp', `0-${os.cpus().length - 1}`, String(pid)], { stdio: 'ignore' });
  } catch {
    // the process is gone
  }
}

/** One request/answer over IPC: sends `message`, resolves with the next message of `type`. */
function ask(child, message, type) {
  return new Promise((resolve, reject) => {
    const onMessage = (answer) => {
      if (answer.type === 'error') {
        child.off('message', onMessage);
        reject(new Error(answer.message));
      } else if (answer.type === type) {
        child.off('message', onMessage);
        resolve(answer);
      }
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

function forkChild(script) {
  return fork(new URL(script, import.meta.url), [], { serialization: 'advanced', stdio: 'inherit' });
}

/**
 * `processes` reader children for `count` streams in all (split evenly), pinned to `cpu` when
 * given. `open(target)` connects them all; `progress(revision)` counts streams that got it (or
 * ended); `collect(first, last)` merges the arrival times; `cpuMs()` their CPU time so far.
 */
export async function startReaders({ count, processes = 1, cpu }) {
  const children = Array.from({ length: processes }, () => forkChild('./stream-readers.mjs'));
  const pinned = cpu === undefined ? false : children.every((child) => pin(child.pid, cpu));
  const shares = children.map((_, i) => Math.floor(count / processes) + (i < count % processes ? 1 : 0));
  return {
    pinned,
    async open({ host, port, path, headers, lastEventId }) {
      const answers = await Promise.all(
        children.map((child, i) =>
          ask(child, { type: 'open', host, port, path, headers, count: shares[i], lastEventId }, 'opened'),
        ),
      );
      return Math.max(...answers.map((answer) => answer.ms));
    },
    async progress(revision) {
      const answers = await Promise.all(
        children.map((child) => ask(child, { type: 'progress', revision }, 'progress')),
      );
      return answers.reduce((sum, answer) => sum + answer.done, 0);
    },
    async collect(first, last) {
      const answers = await Promise.all(
        children.map((child) => ask(child, { type: 'collect', first, last }, 'arrivals')),
      );
      const arrivals = new Map();
      for (let revision = first; revision <= last; revision++) {
        arrivals.set(
          revision,
          answers.flatMap((answer) => Array.from(answer.arrivals[revision])),
        );
      }
      const errors = {};
      for (const answer of answers) {
        for (const [kind, value] of Object.entries(answer.errors)) errors[kind] = (errors[kind] ?? 0) + value;
      }
      return {
        arrivals,
        ended: answers.reduce((sum, answer) => sum + answer.ended, 0),
        errors,
        sample: answers.find((answer) => answer.sample)?.sample,
        cpuMs: answers.reduce((sum, answer) => sum + answer.cpuMs, 0),
        patchesPerRead:
          answers.reduce((sum, answer) => sum + answer.patches, 0) /
          Math.max(
            1,
            answers.reduce((sum, answer) => sum + answer.patchReads, 0),
          ),
      };
    },
    async stop() {
      await Promise.all(
        children.map(
          (child) =>
            new Promise((resolve) => {
              if (child.exitCode !== null) return resolve();
              child.once('exit', resolve);
              child.send({ type: 'exit' });
            }),
        ),
      );
    },
  };
}

/** The floor server (floor-server.mjs), pinned to `cpu` when given. */
export async function startFloorServer({ cpu }) {
  const child = forkChild('./floor-server.mjs');
  const listening = await new Promise((resolve) =>
    child.on('message', (message) => message.type === 'listening' && resolve(message)),
  );
  const pinned = cpu === undefined ? false : pin(child.pid, cpu);
  return {
    pid: child.pid,
    port: listening.port,
    pinned,
    write: (revision, data) => ask(child, { type: 'write', revision, data }, 'written'),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.send({ type: 'exit' });
      }),
  };
}
