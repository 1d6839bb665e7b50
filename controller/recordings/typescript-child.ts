// Runs a TypeScript file of this project in a child Node process, for tests that must kill a
// real process (SIGKILL) at a chosen point. Node 20 cannot run TypeScript itself, and the tests
// must not depend on dist/ being freshly built: a module loader hook transpiles each .ts file
// with the project's own TypeScript as it is imported (types are only removed, not checked:
// `tsc --noEmit` checks them).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectPath } from '../../lib/project-root.js';

const HOOKS = `
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
let ts;
export function initialize(data) {
  ts = createRequire(data.projectRoot + '/package.json')('typescript');
}
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    // Sources import each other as './x.js' (NodeNext style); the file is ./x.ts.
    if (error?.code === 'ERR_MODULE_NOT_FOUND' && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
      return next(specifier.slice(0, -3) + '.ts', context);
    }
    throw error;
  }
}
export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const fileName = fileURLToPath(url);
  const output = ts.transpileModule(await readFile(fileName, 'utf8'), {
    fileName,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
  });
  return { format: 'module', source: output.outputText, shortCircuit: true };
}
`;

let registerFile: string | undefined;

function loaderRegistration(): string {
  if (registerFile) return registerFile;
  const folder = mkdtempSync(join(tmpdir(), 'camlet-ts-loader-'));
  process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
  writeFileSync(join(folder, 'hooks.mjs'), HOOKS);
  registerFile = join(folder, 'register.mjs');
  writeFileSync(
    registerFile,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(folder, 'hooks.mjs')).href)}, { data: { projectRoot: ${JSON.stringify(projectPath())} } });\n`,
  );
  return registerFile;
}

/** Spawns `node <file> ...args` with TypeScript support; `file` relative to the project root. */
export function spawnTypeScript(file: string, args: readonly string[], options: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, ['--import', pathToFileURL(loaderRegistration()).href, projectPath(file), ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
}
