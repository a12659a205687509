/**
 * The Web Worker that reads large inputs (captures and event logs over 2 MB) off the page's thread, posting progress
 * as it goes. Same engine as the page; no network (the page's CSP covers the worker too: connect-src 'none').
 */
import { analyseFile } from './engine.js';
import type { Job, Reply } from './protocol.js';

const scope = self as unknown as { postMessage(m: Reply): void; onmessage: ((e: MessageEvent<Job>) => void) | null };

scope.onmessage = async (e) => {
  const job = e.data;
  let last = 0;
  try {
    const outcome = await analyseFile(job.name, job.file, job.keys, (done, total, phase) => {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      scope.postMessage({ id: job.id, type: 'progress', done, total, phase });
    });
    scope.postMessage({ id: job.id, type: 'done', outcome });
  } catch (err) {
    scope.postMessage({ id: job.id, type: 'error', message: (err as Error).message });
  }
};
