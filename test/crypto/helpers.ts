// Test helpers for test/crypto (not a test file). Tests may use Node APIs; src/crypto may not.
import { readFileSync } from 'node:fs';

export const corpus = new URL('../../../shared/corpus/', import.meta.url);
export const vectors = new URL('../vectors/', import.meta.url);

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

export function readCorpus(path: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(path, corpus)));
}

export function readJson<T>(url: URL): T {
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}
