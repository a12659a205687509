/**
 * The static web app (issue 12): paste a header/token/klist output, drop a capture, an event log, a keytab or a ccache,
 * and read the same report the CLI's --html writes (decode tree, findings, sequence diagram), rendered in this page.
 *
 * No UI library: the page is one form and a list of reports that src/report/html already renders to HTML; a framework
 * would add weight and a supply chain for about a hundred lines of DOM code.
 *
 * Nothing leaves the page: no fetch/XHR/WebSocket/beacon anywhere in the bundle, and the CSP meta tag
 * (connect-src 'none') makes the browser refuse one if it ever crept in. Files over 2 MB go to a Web Worker
 * (web/worker.ts) with a progress bar; smaller ones, and pasted text, are read on the page's thread.
 */
import { analyseFile, decodeInput, type KeyInput, type Outcome, sniff } from './engine.js';
import type { Job, Reply } from './protocol.js';

/** Inputs larger than this are read in the worker. */
const WORKER_FROM = 2 * 1024 * 1024;

function $<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing from index.html`);
  return el as T;
}

const paste = $<HTMLTextAreaElement>('paste');
const results = $<HTMLDivElement>('results');
const status = $<HTMLParagraphElement>('status');
const busy = $<HTMLDivElement>('busy');
const progress = $<HTMLProgressElement>('progress');
const progressText = $<HTMLSpanElement>('progress-text');
const password = $<HTMLInputElement>('password');
const salt = $<HTMLInputElement>('salt');
const keysLine = $<HTMLSpanElement>('keys');

/** Keytabs the user gave (picked in the keys box, or dropped with the other files). */
const keytabs: { name: string; bytes: Uint8Array }[] = [];

function keyInput(): KeyInput {
  return {
    keytabs: keytabs.slice(),
    ...(password.value ? { password: password.value } : {}),
    ...(salt.value.trim() ? { salt: salt.value.trim() } : {}),
  };
}

function showKeys(): void {
  const parts = keytabs.map((k) => `keytab ${k.name}`);
  if (password.value) parts.push(`password${salt.value.trim() ? ' with salt' : ''}`);
  keysLine.textContent = parts.length ? `Keys: ${parts.join(', ')}.` : 'No keys.';
}

function setStatus(text: string, error = false): void {
  status.textContent = text;
  status.classList.toggle('error', error);
}

let seq = 0;

/** One report in the list, newest first. */
function show(title: string, o: Outcome, ms: number, started: number): void {
  const sec = document.createElement('section');
  sec.className = 'result';
  sec.dataset.kind = o.kind;
  sec.dataset.ms = String(Math.round(ms));
  sec.dataset.findings = String(o.findings);
  sec.dataset.errors = String(o.errors);
  sec.id = `result-${++seq}`;
  const head = document.createElement('header');
  const h2 = document.createElement('h2');
  h2.textContent = title;
  const sub = document.createElement('p');
  sub.className = 'sub';
  sub.textContent = `${o.summary} · ${Math.round(ms)} ms${o.notes.length ? ` · ${o.notes.join('; ')}` : ''}`;
  head.append(h2, sub);
  const report = document.createElement('div');
  report.className = 'report';
  // the renderers of src/report/html escape every value from the evidence; the CSP would stop a script regardless
  report.innerHTML = o.body;
  sec.append(head, report);
  results.prepend(sec);
  // analysis time above; the time to put the report into the page as well (a big trace's tables take a while)
  sec.dataset.shownMs = String(Math.round(performance.now() - started));
  document.body.dataset.results = String(seq);
  sec.scrollIntoView({ block: 'start' });
  // and until the browser has laid it out and painted it (the next frame, then the task after it)
  requestAnimationFrame(() =>
    setTimeout(() => {
      sec.dataset.paintedMs = String(Math.round(performance.now() - started));
    }),
  );
  setStatus(`${title}: ${o.summary} (${Math.round(ms)} ms)`);
}

function fail(title: string, message: string): void {
  setStatus(`${title}: ${message}`, true);
  document.body.dataset.lastError = message;
}

// ---- the worker (created on first use; file:// pages cannot start one, so those read on the page's thread) ----
/** The worker could not run the job at all (could not start, or died): the page reads the file itself. */
class WorkerFailed extends Error {}

let worker: Worker | undefined;
let workerBroken = false;
const pending = new Map<number, { resolve(o: Outcome): void; reject(e: Error): void }>();
let jobs = 0;

function getWorker(): Worker | undefined {
  if (worker || workerBroken) return worker;
  try {
    worker = new Worker('worker.js');
  } catch {
    workerBroken = true;
    return undefined;
  }
  worker.onmessage = (e: MessageEvent<Reply>) => {
    const r = e.data;
    if (r.type === 'progress') {
      document.body.dataset.progressMessages = String(Number(document.body.dataset.progressMessages ?? 0) + 1);
      progress.value = r.total ? r.done / r.total : 0;
      progressText.textContent = `${r.phase} ${(r.done / 2 ** 20).toFixed(1)} / ${(r.total / 2 ** 20).toFixed(1)} MB`;
      return;
    }
    const p = pending.get(r.id);
    pending.delete(r.id);
    if (r.type === 'done') p?.resolve(r.outcome);
    else p?.reject(new Error(r.message));
  };
  worker.onerror = (e) => {
    e.preventDefault();
    for (const p of pending.values()) p.reject(new WorkerFailed(`worker failed: ${e.message}`));
    pending.clear();
    worker = undefined;
    workerBroken = true;
  };
  return worker;
}

function inWorker(name: string, file: Blob, keys: KeyInput): Promise<Outcome> | undefined {
  const w = getWorker();
  if (!w) return undefined;
  const id = ++jobs;
  document.body.dataset.workerJobs = String(id);
  const job: Job = { id, name, file, keys };
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.postMessage(job);
  });
}

async function runFile(file: File): Promise<void> {
  const t0 = performance.now();
  const keys = keyInput();
  busy.hidden = false;
  progress.value = 0;
  progressText.textContent = `reading ${file.name}`;
  setStatus(`Reading ${file.name} (${file.size.toLocaleString('en-US')} bytes)…`);
  try {
    const here = () =>
      analyseFile(file.name, file, keys, (done, total, phase) => {
        progress.value = total ? done / total : 0;
        progressText.textContent = `${phase} ${(done / 2 ** 20).toFixed(1)} / ${(total / 2 ** 20).toFixed(1)} MB`;
      });
    const viaWorker = file.size > WORKER_FROM ? inWorker(file.name, file, keys) : undefined;
    const o = viaWorker
      ? await viaWorker.catch((e: unknown) => {
          if (!(e instanceof WorkerFailed)) throw e;
          document.body.dataset.workerFallback = '1';
          return here();
        })
      : await here();
    show(file.name, o, performance.now() - t0, t0);
  } catch (e) {
    fail(file.name, (e as Error).message);
  } finally {
    busy.hidden = true;
  }
}

/** Dropped or picked files: keytabs first (they become keys, and are shown decoded), then everything else in order. */
async function takeFiles(list: FileList | readonly File[]): Promise<void> {
  const files = Array.from(list);
  const rest: File[] = [];
  for (const f of files) {
    const head = new Uint8Array(await f.slice(0, 4096).arrayBuffer());
    if (sniff(head) === 'keytab') {
      keytabs.push({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) });
      showKeys();
    }
    rest.push(f);
  }
  for (const f of rest) await runFile(f);
}

function decodePasted(): void {
  const text = paste.value;
  if (!text.trim()) {
    setStatus('Nothing to decode: paste a header line, a token or klist output first.', true);
    return;
  }
  const t0 = performance.now();
  try {
    const o = decodeInput({ label: 'pasted text', text }, keyInput());
    show('Pasted text', o, performance.now() - t0, t0);
  } catch (e) {
    fail('Pasted text', (e as Error).message);
  }
}

// ---- wiring ----
$('decode').addEventListener('click', decodePasted);
paste.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) decodePasted();
});
$('clear').addEventListener('click', () => {
  results.replaceChildren();
  setStatus('');
});
const filesInput = $<HTMLInputElement>('files');
filesInput.addEventListener('change', () => {
  if (filesInput.files?.length) void takeFiles(Array.from(filesInput.files)).finally(() => (filesInput.value = ''));
});
const keytabInput = $<HTMLInputElement>('keytab');
keytabInput.addEventListener('change', async () => {
  for (const f of Array.from(keytabInput.files ?? [])) keytabs.push({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) });
  keytabInput.value = '';
  showKeys();
});
password.addEventListener('input', showKeys);
$('forget').addEventListener('click', () => {
  keytabs.length = 0;
  password.value = '';
  salt.value = '';
  showKeys();
});
salt.addEventListener('input', showKeys);

const drop = $<HTMLLabelElement>('drop');
for (const t of ['dragenter', 'dragover'] as const)
  drop.addEventListener(t, (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  if (e.dataTransfer?.files.length) void takeFiles(Array.from(e.dataTransfer.files));
});
// a file dropped anywhere else must not navigate the tab to it
window.addEventListener('dragover', (e) => e.preventDefault());
window.addEventListener('drop', (e) => e.preventDefault());

// the report's own buttons (copy a fix command; expand/collapse all details), as its inline script does in --html files
results.addEventListener('click', (e) => {
  const t = e.target as HTMLElement | null;
  const copy = t?.closest('button.copy');
  if (copy) {
    const pre = copy.parentElement?.querySelector('pre');
    if (pre) void navigator.clipboard?.writeText(pre.textContent ?? '').then(() => (copy.textContent = 'Copied'));
    return;
  }
  const x = t?.closest('button[data-details]');
  if (x) {
    const open = x.getAttribute('data-details') === 'open';
    x.closest('.report')
      ?.querySelectorAll('details')
      .forEach((d) => {
        d.open = open;
      });
  }
});
document.body.dataset.ready = '1';
