/** JSON rendering: Dates as ISO strings, bytes as hex, undefined dropped, bigint as string. Rendering only. */
import { toHex } from '../wire/encoding.js';

export function toJsonValue(v: unknown, depth = 0): unknown {
  if (depth > 64) return '(too deep)';
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v.toString();
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return undefined;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (v instanceof Uint8Array) return toHex(v);
  if (Array.isArray(v)) return v.map((x) => toJsonValue(x, depth + 1) ?? null);
  const o = v as { toJSON?: () => unknown };
  if (typeof o.toJSON === 'function') return toJsonValue(o.toJSON(), depth + 1);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const j = toJsonValue(x, depth + 1);
    if (j !== undefined) out[k] = j;
  }
  return out;
}

export function renderJson(v: unknown): string {
  return `${JSON.stringify(toJsonValue(v), null, 2)}\n`;
}
