// Every side effect the lab has on the machine is recorded here before (or right after) it happens, in a JSON file
// inside the instance directory. Cleanup replays the list in reverse, synchronously, so it also works from a
// process 'exit' handler and from another process (`npm run lab -- down`).
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { killPidSync, runSync, startTicks } from './proc.js';

export type Resource =
  | { kind: 'pid'; pid: number; ticks?: string; name: string; signal?: NodeJS.Signals; group?: boolean }
  | { kind: 'netns'; name: string }
  | { kind: 'link'; name: string }
  | { kind: 'route'; route: string[] }
  | { kind: 'addr'; cidr: string; dev: string }
  | { kind: 'path'; path: string };

const live = new Set<Janitor>();
let handlersInstalled = false;

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    for (const j of live) j.cleanupSync();
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      for (const j of live) j.cleanupSync();
      process.kill(process.pid, sig);
    });
  }
}

export class Janitor {
  readonly file: string;
  private resources: Resource[] = [];

  /** keepAlive: the CLI's `up` leaves everything running after it exits; `down` cleans up from the file. */
  constructor(
    readonly dir: string,
    keepAlive = false,
  ) {
    this.file = join(dir, 'resources.json');
    if (existsSync(this.file)) this.resources = JSON.parse(readFileSync(this.file, 'utf8')) as Resource[];
    if (!keepAlive) {
      installHandlers();
      live.add(this);
    }
  }

  add(r: Resource): void {
    if (r.kind === 'pid' && r.ticks === undefined) r.ticks = startTicks(r.pid);
    this.resources.push(r);
    this.save();
  }

  /** Forget a resource that was released normally (a server stopped by its own down function). */
  forget(pred: (r: Resource) => boolean): void {
    this.resources = this.resources.filter((r) => !pred(r));
    this.save();
  }

  private save(): void {
    writeFileSync(this.file, `${JSON.stringify(this.resources, null, 1)}\n`);
  }

  /** Releases one resource now (used to stop a single process mid-run). */
  releaseSync(r: Resource): void {
    release(r);
    this.forget((x) => x === r);
  }

  cleanupSync(): void {
    live.delete(this);
    for (const r of [...this.resources].reverse()) {
      try {
        release(r);
      } catch {
        /* keep going: everything else must still be removed */
      }
      this.resources = this.resources.filter((x) => x !== r);
      this.save();
    }
  }

  get list(): readonly Resource[] {
    return this.resources;
  }
}

function release(r: Resource): void {
  switch (r.kind) {
    case 'pid':
      if (r.group && r.ticks !== undefined && startTicks(r.pid) === r.ticks) {
        try {
          process.kill(-r.pid, r.signal ?? 'SIGTERM'); // the whole process group it leads (samba's workers)
        } catch {
          /* gone */
        }
      }
      killPidSync(r.pid, r.ticks, r.signal ?? 'SIGTERM');
      break;
    case 'netns':
      runSync(['ip', 'netns', 'del', r.name]);
      break;
    case 'link':
      runSync(['ip', 'link', 'del', r.name]);
      break;
    case 'route':
      // shared with other lab instances (and possibly other people's namespaces on the lab subnet): only removed
      // when no network namespace at all is left; an extra 'unreachable' route is harmless, a missing one is not
      if (!anyNamespaceExists()) runSync(['ip', 'route', 'del', ...r.route]);
      break;
    case 'addr':
      runSync(['ip', 'addr', 'del', r.cidr, 'dev', r.dev]);
      break;
    case 'path':
      rmSync(r.path, { recursive: true, force: true });
      break;
  }
}

function anyNamespaceExists(): boolean {
  return runSync(['ip', 'netns', 'list']).out.trim().length > 0;
}

/** Lab namespaces are all called ks-*; see netns.ts. */
export function otherLabNamespacesExist(): boolean {
  const r = runSync(['ip', 'netns', 'list']);
  return r.out.split('\n').some((l) => l.startsWith('ks-'));
}

/** Cleans every instance recorded under the lab state directory (what `npm run lab -- down` does). */
export function cleanupAll(labDir: string, only?: (dir: string) => boolean): string[] {
  const done: string[] = [];
  if (!existsSync(labDir)) return done;
  for (const name of readdirSync(labDir)) {
    const dir = join(labDir, name);
    if (!existsSync(join(dir, 'resources.json'))) continue;
    if (only && !only(dir)) continue;
    const j = new Janitor(dir, true);
    if (j.list.length === 0) continue;
    j.cleanupSync();
    done.push(name);
  }
  return done;
}
