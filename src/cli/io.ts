/** Where the CLI writes: injected so tests run `main` in-process and read what it printed. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is an interactive terminal (progress bars only then). */
  isTTY: boolean;
  /** Terminal width, when known: progress bars are cut to it. */
  columns?: number;
}

export const processIO: CliIO = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: Boolean(process.stderr.isTTY),
  get columns() {
    return process.stderr.columns;
  },
};
