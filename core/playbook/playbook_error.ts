/**
 * The error a playbook raises: a coded {@linkcode AuditError} whose message starts with `file:line:column:`.
 *
 * @module
 */

import { AuditError, type ErrorCode } from "../errors.ts";

/** A place in a playbook: 1-based line and column. */
export interface Position {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
}

/** The codes a playbook error carries. */
export type PlaybookErrorCode = Extract<
  ErrorCode,
  "PLAYBOOK_INVALID" | "PLAYBOOK_REFERENCE" | "PLAYBOOK_FILE_MISSING"
>;

/**
 * A problem in a playbook, located by file, line and column. The message is
 * `<file>:<line>:<column>: <what is wrong and what was expected>`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { PlaybookError } from "./playbook_error.ts";
 * const error = new PlaybookError("PLAYBOOK_INVALID", "demo.yaml", { line: 3, column: 1 }, "unknown key 'nam' in the playbook");
 * equal(error.message, "demo.yaml:3:1: unknown key 'nam' in the playbook");
 * equal(error.line, 3);
 * ```
 */
export class PlaybookError extends AuditError {
  /** The playbook file name, as given to the loader. */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** The message without its `file:line:column:` prefix. */
  readonly detail: string;

  /** Creates an error located at `position` in `file`. */
  constructor(code: PlaybookErrorCode, file: string, position: Position, detail: string) {
    super(code, `${where(file, position)}: ${detail}`);
    this.name = "PlaybookError";
    this.file = file;
    this.line = position.line;
    this.column = position.column;
    this.detail = detail;
  }
}

/**
 * Formats `file:line:column`.
 *
 * @param file The file name.
 * @param position The 1-based line and column.
 * @returns `file:line:column`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { where } from "./playbook_error.ts";
 * equal(where("a.yaml", { line: 2, column: 7 }), "a.yaml:2:7");
 * ```
 */
export function where(file: string, position: Position): string {
  return `${file}:${position.line}:${position.column}`;
}
