/**
 * A progress bar on the status line of standard error, redrawn at most ten times a second.
 *
 * @module
 */

/** Options for {@linkcode ProgressBar}. */
export interface ProgressBarOptions {
  /** What is counted, e.g. `"statements"`. */
  readonly unit?: string;
  /** Width of the bar in characters, e.g. `30`. */
  readonly width?: number;
  /** The clock in milliseconds, e.g. `performance.now`; tests pass their own. */
  readonly now?: () => number;
}

const REDRAW_MS = 100;

/**
 * Draws `[#####.....]  1200/10000  12%  850/s` through a status writer such as `Io.status`.
 *
 * @example Usage
 * ```ts
 * import { equal, match } from "node:assert/strict";
 * import { ProgressBar } from "./progress.ts";
 * const lines: string[] = [];
 * const bar = new ProgressBar((text) => lines.push(text), 4, { width: 4 });
 * bar.update(4);
 * bar.clear();
 * match(lines[0]!, /^\[####\]  4\/4/);
 * equal(lines.at(-1), "");
 * ```
 */
export class ProgressBar {
  readonly #status: (text: string) => void;
  readonly #total: number;
  readonly #unit: string;
  readonly #width: number;
  readonly #now: () => number;
  readonly #started: number;
  #drawnAt = -Infinity;
  #shown = false;

  /** Creates a bar for `total` items; nothing is drawn until the first update. */
  constructor(status: (text: string) => void, total: number, options: ProgressBarOptions = {}) {
    this.#status = status;
    this.#total = total;
    this.#unit = options.unit ?? "statements";
    this.#width = options.width ?? 30;
    this.#now = options.now ?? (() => performance.now());
    this.#started = this.#now();
  }

  /** Records that `done` items are finished; redraws when enough time has passed or all are done. */
  update(done: number): void {
    const now = this.#now();
    if (done < this.#total && now - this.#drawnAt < REDRAW_MS) return;
    this.#drawnAt = now;
    this.#shown = true;
    const fraction = this.#total === 0 ? 1 : Math.min(1, done / this.#total);
    const filled = Math.round(fraction * this.#width);
    const seconds = (now - this.#started) / 1000;
    const rate = seconds > 0 ? `  ${Math.round(done / seconds)}/s` : "";
    this.#status(
      `[${"#".repeat(filled)}${".".repeat(this.#width - filled)}]  ${done}/${this.#total} ${this.#unit}  ${
        Math.floor(fraction * 100)
      }%${rate}`,
    );
  }

  /** Erases the bar (before other output, and at the end); a later update draws it again. */
  clear(): void {
    if (!this.#shown) return;
    this.#status("");
    this.#shown = false;
  }
}
