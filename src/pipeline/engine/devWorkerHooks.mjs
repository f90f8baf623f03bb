// Module hooks for tile worker threads when smoothcluster runs from its TypeScript
// sources (vitest): a worker thread cannot load .ts, so these hooks transpile the
// worker's modules with the `typescript` devDependency. Never used by the built
// package (dist/ has plain .js workers); see workerPool.ts.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

let ts = null;
const cacheDir = join(tmpdir(), 'smoothcluster-dev-worker');

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (err) {
    // Sources import '../x.js' (NodeNext); from sources that file is './x.ts'.
    if (specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) return next(`${specifier.slice(0, -3)}.ts`, context);
    throw err;
  }
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const path = fileURLToPath(url);
  const source = readFileSync(path, 'utf8');
  // Transpiled modules are cached by content, so only the first worker pays for loading TypeScript.
  const key = createHash('sha256').update(path).update('\0').update(source).digest('hex');
  const cached = join(cacheDir, `${key}.mjs`);
  if (existsSync(cached)) return { format: 'module', source: readFileSync(cached, 'utf8'), shortCircuit: true };
  ts ??= (await import('typescript')).default;
  const { outputText } = ts.transpileModule(source, {
    fileName: path,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false, inlineSourceMap: true },
  });
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(`${cached}.${process.pid}.tmp`, outputText);
  try {
    // rename is atomic: concurrent test processes never read half a file
    renameSync(`${cached}.${process.pid}.tmp`, cached);
  } catch {
    /* another process won the race; its file is the same */
  }
  return { format: 'module', source: outputText, shortCircuit: true };
}
