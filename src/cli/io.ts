import type { Reporter } from '../reporter.js';

/** Where the CLI writes: injected so tests run `main` in-process and read what it printed. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stderr is an interactive terminal (progress bars only then). */
  isTTY: boolean;
}

export const processIO: CliIO = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: Boolean(process.stderr.isTTY),
};

/** A reporter on stderr; `quiet` keeps only warnings. */
export function stderrReporter(io: CliIO, quiet: boolean): Reporter {
  return {
    info: (m) => {
      if (!quiet) io.stderr(`${m}\n`);
    },
    warn: (m) => io.stderr(`warning: ${m}\n`),
    progress: (label, done, total) => {
      if (quiet || !io.isTTY) return;
      const pct = total > 0 ? Math.floor((100 * done) / total) : 100;
      io.stderr(`\r${label}: ${done}/${total} tiles (${pct}%)`);
      if (done >= total) io.stderr('\n');
    },
  };
}
