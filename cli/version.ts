/** The tool's version, reported by `--version` and recorded in reports. */
export const VERSION = "0.1.0";
