import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the whole CLI in-process, as a user would type it, capturing its output. */
export async function runCli(...argv: (string | number)[]): Promise<CliResult> {
  let stdout = '', stderr = '';
  const io: CliIO = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), isTTY: false };
  const code = await main(argv.map(String), io);
  return { code, stdout, stderr };
}
