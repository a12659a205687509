/** Messages between the page (web/app.ts) and the worker (web/worker.ts). Structured-cloned: no functions, no classes. */
import type { KeyInput, Outcome } from './engine.js';

/** page → worker: analyse this file with these keys. */
export interface Job {
  id: number;
  name: string;
  file: Blob;
  keys: KeyInput;
}

/** worker → page */
export type Reply =
  | { id: number; type: 'progress'; done: number; total: number; phase: string }
  | { id: number; type: 'done'; outcome: Outcome }
  | { id: number; type: 'error'; message: string };
