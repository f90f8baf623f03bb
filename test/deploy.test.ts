import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { runCli } from './helpers/runCli.js';

const DIR = 'deploy/k8s';
const MODELS: Record<string, new (data: never) => { validate(): void }> = { Job, ConfigMap, Secret };

interface Manifest { file: string; doc: Record<string, any> } // eslint-disable-line @typescript-eslint/no-explicit-any

function manifests(): Manifest[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((file) => parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((d) => ({ file, doc: d.toJS() })));
}

describe('deploy/k8s manifests', () => {
  const all = manifests();
  const jobs = all.filter((m) => m.doc.kind === 'Job');
  const config = all.find((m) => m.doc.kind === 'ConfigMap')!.doc;

  it('are valid Kubernetes objects by their schemas', () => {
    expect(all.length).toBeGreaterThanOrEqual(6);
    for (const { file, doc } of all) {
      const Model = MODELS[doc.kind];
      expect(Model, `${file}: unexpected kind ${doc.kind}`).toBeDefined();
      expect(() => new Model(doc as never).validate(), file).not.toThrow();
    }
  });

  it('run the four stages, with Indexed jobs whose shard count equals their completions', () => {
    const stages = jobs.map((j) => j.doc.spec.template.spec.containers[0].args[0]);
    expect(stages).toEqual(['sample', 'fit', 'predict', 'merge']);
    for (const { file, doc } of jobs) {
      const args: string[] = doc.spec.template.spec.containers[0].args;
      const shard = args[args.indexOf('--shard') + 1];
      if (doc.spec.completionMode === 'Indexed') {
        expect(shard, file).toBe(`$(JOB_COMPLETION_INDEX)/${doc.spec.completions}`);
      } else {
        expect(args, file).not.toContain('--shard');
        expect(doc.spec.completions, file).toBe(1);
      }
    }
  });

  it('use only variables the ConfigMap defines (or the job completion index)', () => {
    for (const { file, doc } of jobs) {
      const text = JSON.stringify(doc.spec.template.spec.containers[0].args);
      for (const [, name] of text.matchAll(/\$\(([A-Z_]+)\)/g)) {
        expect(name === 'JOB_COMPLETION_INDEX' || name in config.data, `${file}: $(${name}) is not defined`).toBe(true);
      }
    }
  });

  it('give every pod a CPU limit equal to its request (what the default --threads follows) and a memory limit', () => {
    for (const { file, doc } of jobs) {
      const { requests, limits } = doc.spec.template.spec.containers[0].resources ?? {};
      expect(limits?.cpu, `${file}: limits.cpu`).toBeDefined();
      expect(String(limits.cpu), file).toBe(String(requests?.cpu));
      expect(limits?.memory, `${file}: limits.memory`).toBeDefined();
    }
  });

  it('run command lines the CLI accepts as they stand (no option a stage refuses)', async () => {
    const work = mkdtempSync(join(tmpdir(), 'sc-deploy-'));
    const values: Record<string, string> = { ...config.data, SCENE: join(work, 'no-scene.tif'), STATIC: join(work, 'no-static.tif'), WORK: work, OUT: join(work, 'out.tif'), JOB_COMPLETION_INDEX: '0' };
    for (const { file, doc } of jobs) {
      const args = (doc.spec.template.spec.containers[0].args as string[]).map((a) => a.replace(/\$\((\w+)\)/g, (_m, v: string) => values[v]));
      // Nothing exists at these paths, so each stage stops at its first read (exit 1); a usage error is exit 2.
      const r = await runCli(...args);
      expect(r.code, `${file}: smoothcluster ${args.join(' ')}\n${r.stderr}`).toBe(1);
    }
  });

  it('call commands and options the CLI has', async () => {
    for (const { file, doc } of jobs) {
      const args: string[] = doc.spec.template.spec.containers[0].args;
      const help = await runCli(args[0], '--help');
      expect(help.code, `${file}: smoothcluster ${args[0]}`).toBe(0);
      for (const flag of args.filter((a) => a.startsWith('--'))) {
        // yargs lists one-letter options as -k (and accepts --k)
        const listed = flag.length === 3 ? new RegExp(`(^|\\s)-${flag[2]}[\\s,]`, 'm') : new RegExp(`${flag}\\b`);
        expect(help.stdout, `${file}: ${flag}`).toMatch(listed);
      }
    }
  });
});
