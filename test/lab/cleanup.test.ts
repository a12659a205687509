// down() must happen even when the test process is interrupted or crashes: the janitor's exit/SIGINT/SIGTERM
// handlers stop every server by PID and remove the namespaces and /etc/netns files.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { labDir } from '../../lab/index.js';
import { requireLab } from './harness.js';

const FIXTURE = new URL('./fixtures/hold-lab.ts', import.meta.url).pathname;

function gone(pid: number): boolean {
  try {
    return / Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function holdAndStop(id: string, how: 'SIGINT' | 'SIGTERM' | 'crash'): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, id, how === 'crash' ? 'crash' : ''], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const info = await new Promise<{ server: string; client: string; pids: number[] }>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line));
    });
    child.on('exit', (c) => reject(new Error(`child exited ${c} before the lab was up: ${out}`)));
  });
  assert.ok(info.pids.length >= 3);
  assert.match(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }), new RegExp(info.server));
  if (how !== 'crash') child.kill(how);
  await new Promise((r) => child.on('exit', r));
  const ns = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  assert.doesNotMatch(ns, new RegExp(`${info.server}|${info.client}`));
  for (const pid of info.pids) assert.ok(gone(pid), `pid ${pid} survived ${how}`);
  assert.ok(!existsSync(`/etc/netns/${info.client}`));
  const resources = JSON.parse(readFileSync(join(labDir(), id, 'resources.json'), 'utf8')) as unknown[];
  assert.deepEqual(resources, [], 'every recorded resource released');
  rmSync(join(labDir(), id), { recursive: true, force: true });
}

if (requireLab('mit')) {
  describe('lab cleanup when the process does not call down()', { timeout: 120_000 }, () => {
    it('SIGINT', () => holdAndStop('hint', 'SIGINT'));
    it('SIGTERM', () => holdAndStop('hterm', 'SIGTERM'));
    it('uncaught exception', () => holdAndStop('hcrsh', 'crash'));
  });
}
