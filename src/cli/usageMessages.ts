/**
 * yargs' validation messages ("Unknown argument: wieghts", "Invalid values: ...")
 * rewritten as one line that names the option, says what was expected and what
 * was found, and suggests the fix.
 */

/** Edit distance, for "did you mean" (option names are short). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_v, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

/** The closest known option to a misspelt one, if it is close. */
export function closestOption(name: string, known: string[]): string | null {
  let best: string | null = null, bestD = Infinity;
  for (const k of known) {
    if (k.length < 2) continue;
    const d = distance(name.toLowerCase(), k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best !== null && bestD <= Math.max(1, Math.floor(name.length / 3)) ? best : null;
}

const kebab = (s: string) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/**
 * One clear sentence for a yargs validation message. `argv` is the command
 * line (to tell options from stray arguments), `known` the option names of the
 * command being parsed.
 */
export function explainUsage(msg: string, argv: string[], known: string[]): string {
  const options = [...new Set(known.map(kebab))].filter((k) => k !== '$0');
  let m = /^Unknown arguments?: (.+)$/s.exec(msg.trim());
  if (m) {
    return m[1]
      .split(', ')
      .map((name) => {
        const asOption = argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`) || a === `-${name}`);
        if (!asOption) return `unexpected argument '${name}' (each command takes one input file; options start with --)`;
        const guess = closestOption(name, options);
        return `unknown option --${name}${guess ? ` (did you mean --${guess}?)` : ''}`;
      })
      .join('; ') + '.';
  }
  m = /^Invalid values:\s*Argument: (\S+), Given: (.+), Choices: (.+)$/s.exec(msg.trim());
  if (m) return `--${m[1]} must be one of ${m[3].trim()}; got ${m[2].trim()}.`;
  m = /^Missing required arguments?: (.+)$/.exec(msg.trim());
  if (m) return `missing ${m[1].split(', ').map((o) => `--${o}`).join(', ')}: this option is required.`;
  m = /^Not enough arguments following: (.+)$/.exec(msg.trim());
  if (m) return `--${m[1]} needs a value, e.g. --${m[1]} VALUE.`;
  m = /^Not enough non-option arguments: got (\d+), need at least (\d+)$/.exec(msg.trim());
  if (m) return `missing the input file: this command takes ${m[2]} file name${m[2] === '1' ? '' : 's'} before its options, got ${m[1]}.`;
  m = /^Did you mean (.+)\?$/.exec(msg.trim());
  if (m) return `unknown command '${argv[0]}' (did you mean ${m[1]}?).`;
  m = /^Unknown command: (.+)$/.exec(msg.trim());
  if (m) return `unknown command ${m[1]}.`;
  return msg.replace(/\s*\n\s*/g, ' ').trim();
}
