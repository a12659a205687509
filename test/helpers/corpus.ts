/** Where the shared corpus lives: ../shared/corpus beside the repository (CI checks it out there). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CORPUS = path.resolve(REPO_ROOT, '../shared/corpus');

export function corpusPath(rel: string): string {
  return path.join(CORPUS, rel);
}

export function corpusFile(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(corpusPath(rel)));
}

export function haveCorpus(): boolean {
  return existsSync(CORPUS);
}
