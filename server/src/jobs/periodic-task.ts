/**
 * Runs `task` every `intervalMs`, never two at once (a slow run delays the next instead of piling
 * up). Errors go to `onError`; the timer keeps going. Unref'd: it never keeps the process alive.
 */
export class PeriodicTask {
  #timer: NodeJS.Timeout | undefined;
  #running = false;

  constructor(
    private readonly task: () => unknown,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  start(): void {
    if (this.#timer || this.intervalMs <= 0) return;
    this.#timer = setInterval(() => void this.#run(), this.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #run(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      await this.task();
    } catch (error) {
      this.onError(error);
    } finally {
      this.#running = false;
    }
  }
}
