import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { UserError } from '../../errors.js';

/** True for a glob (`*`, `?`, `[...]` in the name) or an `@list.txt` argument. */
export function isFileListInput(input: string): boolean {
  if (input.startsWith('@')) return true;
  return /[*?[]/.test(basename(input)) && !existsSync(input);
}

function globRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * The files a glob (wildcards in the file name: `exports/disp_*.tif`) or an `@list.txt`
 * (one path a line, relative to the list's folder; blank lines and `#` comments skipped)
 * names, in the order found (a glob: sorted by name).
 */
export function expandFileList(input: string): string[] {
  if (input.startsWith('@')) {
    const list = input.slice(1);
    if (!existsSync(list)) throw new UserError(`list file '${list}' (from ${input}) does not exist; @FILE names a text file with one raster path a line.`);
    const lines = readFileSync(list, 'utf8').split(/\r?\n/);
    const files: string[] = [];
    lines.forEach((raw, i) => {
      const line = raw.replace(/#.*/, '').trim();
      if (!line) return;
      const path = isAbsolute(line) || line.startsWith('/vsi') ? line : join(dirname(list), line);
      if (!line.startsWith('/vsi') && !existsSync(path)) {
        throw new UserError(`list file '${list}', line ${i + 1}: '${line}' does not exist (paths are relative to the list's folder, here ${path}). Fix the line or remove it.`);
      }
      files.push(path);
    });
    if (files.length === 0) throw new UserError(`list file '${list}' names no raster; write one path a line.`);
    return files;
  }
  const folder = dirname(input);
  const name = basename(input);
  if (/[*?[]/.test(folder)) {
    throw new UserError(`'${input}': wildcards work in the file name only, not in folder names. Give one folder (e.g. 'exports/disp_*.tif') or an @list.txt of paths.`);
  }
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new UserError(`'${input}' matches no file: folder '${folder}' does not exist. Check the path (relative paths start from ${process.cwd()}).`);
  }
  const re = globRegex(name);
  const files = readdirSync(folder).filter((f) => re.test(f)).sort().map((f) => join(folder, f));
  if (files.length === 0) {
    throw new UserError(`'${input}' matches no file in '${folder}'. Check the pattern (quote it, so the shell does not expand it: '${input}').`);
  }
  return files;
}
