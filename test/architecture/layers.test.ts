/**
 * The layer rule of docs/decisions.md "Layers": imports point down the data flow
 * (doors → refresh → http → discover → targets → inventory → aws → model) and never back or sideways.
 * `config` (the option contract) and `log` are leaves that the layers may import; `targets` is the
 * pure core and may import only `model` and `config`. Reads the import statements of every file
 * under lambda/ and fails on any import the table below does not allow.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const Layer = {
  Doors: 'doors',
  Refresh: 'refresh',
  Http: 'http',
  Discover: 'discover',
  Targets: 'targets',
  Inventory: 'inventory',
  Aws: 'aws',
  Config: 'config',
  Log: 'log',
  Model: 'model',
} as const;
type Layer = (typeof Layer)[keyof typeof Layer];

/** Which layers each layer may import (its own layer always included). */
const ALLOWED: Readonly<Record<Layer, readonly Layer[]>> = {
  doors: ['doors', 'refresh', 'http', 'discover', 'targets', 'inventory', 'aws', 'config', 'log', 'model'],
  refresh: ['refresh', 'http', 'discover', 'targets', 'inventory', 'aws', 'config', 'log', 'model'],
  http: ['http', 'discover', 'aws', 'config', 'log', 'model'],
  discover: ['discover', 'targets', 'inventory', 'aws', 'config', 'log', 'model'],
  targets: ['targets', 'config', 'model'],
  inventory: ['inventory', 'aws', 'config', 'log', 'model'],
  aws: ['aws', 'config', 'log', 'model'],
  config: ['config', 'model'],
  log: ['log'],
  model: ['model'],
};

/** The layer of a path relative to the repository root, or undefined for a file outside every layer. */
const layerOf = (path: string): Layer | undefined => {
  const [top, second, third] = path.split('/');
  if (top !== 'lambda' || second === undefined) return undefined;
  if (third !== undefined) {
    const folders: Record<string, Layer> = {
      refresh: Layer.Refresh,
      http: Layer.Http,
      targets: Layer.Targets,
      inventory: Layer.Inventory,
      aws: Layer.Aws,
      config: Layer.Config,
      model: Layer.Model,
    };
    return folders[second];
  }
  const files: Record<string, Layer> = {
    'handler.ts': Layer.Doors,
    'refresh-handler.ts': Layer.Doors,
    'snapshot-handler.ts': Layer.Doors,
    'server.ts': Layer.Doors,
    'cli.ts': Layer.Doors,
    'discover.ts': Layer.Discover,
    'log.ts': Layer.Log,
  };
  return files[second];
};

/** Relative specifiers of `import … from`, `export … from`, `import '…'` and `import('…')`. */
const relativeImports = (source: string): string[] =>
  [...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)(['"])(\.{1,2}\/[^'"]+)\1/g)].map((m) => m[2] ?? '');

type Violation = { readonly from: string; readonly to: string };

/** Every import of `files` (path → source) that the table does not allow. */
const violations = (files: ReadonlyMap<string, string>): Violation[] => {
  const found: Violation[] = [];
  for (const [from, source] of files) {
    const fromLayer = layerOf(from);
    for (const spec of relativeImports(source)) {
      const to = normalize(join(dirname(from), spec));
      const toLayer = layerOf(to);
      if (fromLayer === undefined || toLayer === undefined || !ALLOWED[fromLayer].includes(toLayer)) {
        found.push({ from, to });
      }
    }
  }
  return found;
};

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sourceFiles = (dir: string): string[] =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [relative(root, join(root, dir, entry.name))]
        : [],
  );

describe('layers: the rule itself', () => {
  it.each([
    { from: 'lambda/aws/ecs.ts', to: '../inventory/types.ts', ok: false },
    { from: 'lambda/aws/ecs.ts', to: '../model/inventory.ts', ok: true },
    { from: 'lambda/targets/build.ts', to: '../discovery-result.ts', ok: false },
    { from: 'lambda/targets/build.ts', to: '../inventory/match.ts', ok: false },
    { from: 'lambda/targets/build.ts', to: '../model/cloud-map-match.ts', ok: true },
    { from: 'lambda/targets/build.ts', to: '../config/globs.ts', ok: true },
    { from: 'lambda/config/load.ts', to: '../aws/clients.ts', ok: false },
    { from: 'lambda/config/types.ts', to: '../model/inventory.ts', ok: true },
    { from: 'lambda/inventory/collect.ts', to: '../targets/index.ts', ok: false },
    { from: 'lambda/inventory/collect.ts', to: '../aws/ecs.ts', ok: true },
    { from: 'lambda/http/app.ts', to: '../discover.ts', ok: true },
    { from: 'lambda/http/app.ts', to: '../aws/clients.ts', ok: true },
    { from: 'lambda/http/app.ts', to: '../refresh/refresher.ts', ok: false },
    { from: 'lambda/discover.ts', to: './http/app.ts', ok: false },
    { from: 'lambda/model/inventory.ts', to: '../config/types.ts', ok: false },
    { from: 'lambda/log.ts', to: './config/types.ts', ok: false },
    { from: 'lambda/handler.ts', to: './http/lambda-adapter.ts', ok: true },
    { from: 'lambda/new-top-level.ts', to: './model/inventory.ts', ok: false },
  ])('$from importing $to is allowed: $ok', ({ from, to, ok }) => {
    // Prepare
    const files = new Map([
      [from, `import type { X } from '${to}';\nexport const y = await import('${to}');`],
    ]);

    // Act
    const found = violations(files);

    // Assess
    expect(found.length).toBe(ok ? 0 : 2);
  });

  it('reads static, re-export, side-effect and dynamic imports', () => {
    const source = [
      "import { a } from './a.ts';",
      "export { b } from '../b.ts';",
      "import './c.ts';",
      "const d = await import('./d.ts');",
      "import { e } from 'node:fs';",
    ].join('\n');
    expect(relativeImports(source)).toEqual(['./a.ts', '../b.ts', './c.ts', './d.ts']);
  });
});

describe('layers: the code under lambda/', () => {
  it('has no import that points up or sideways', () => {
    // Prepare
    const files = new Map(
      sourceFiles('lambda').map((path) => [path, readFileSync(join(root, path), 'utf8')]),
    );

    // Act
    const found = violations(files);

    // Assess
    expect(files.size).toBeGreaterThan(40);
    expect(found).toEqual([]);
  });
});
