import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { EventAnalysis, type EventFilter } from '../../events/analyse.js';
import { toEcs } from '../../events/ecs.js';
import type { EventProblem, EventRecord } from '../../events/model.js';
import { type FileStats, mergeByTime, readEventBytes, readEventFile, UnusableInput } from '../../events/source.js';
import { renderEvents } from '../../report/events-text.js';
import { renderEventsHtml } from '../../report/html/events.js';
import { renderJson } from '../../report/json.js';
import { type Command, EXIT, UsageError } from '../command.js';
import { checkHtmlTarget, HTML_OPTION, writeHtmlReport } from '../html-output.js';

/** Inputs larger than this (all files together) get a progress bar (when stderr is a terminal). */
const PROGRESS_FROM = 64 * 1024 * 1024;
/** Output is written in pieces of about this size, waiting for the pipe to drain (flat memory on --ndjson). */
const FLUSH_AT = 1 << 20;

function mib(n: number): string {
  return n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(2)} GiB` : `${(n / (1 << 20)).toFixed(0)} MiB`;
}

/** `--since`/`--until`: an ISO 8601 date or time (a bare date is midnight UTC; no zone means UTC). */
export function parseTimeOption(name: string, v: string | undefined): Date | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  const m = /^\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)?(Z|[+-]\d\d:?\d\d)?$/.exec(t);
  if (!m) throw new UsageError(`--${name} ${v}: not an ISO 8601 time (2024-03-01 or 2024-03-01T08:00:00Z)`);
  const iso = t.replace(' ', 'T');
  const d = new Date(m[1] ? iso : t.length === 10 ? `${iso}T00:00:00Z` : `${iso}Z`);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--${name} ${v}: not a valid time`);
  return d;
}

/** The files an argument names: a file, or the regular files of a folder (and its subfolders), sorted. */
function expand(arg: string, out: { file: string; fromDir: boolean }[]): void {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(arg);
  } catch {
    out.push({ file: arg, fromDir: false }); // reading it reports why it cannot be read
    return;
  }
  if (!st.isDirectory()) {
    out.push({ file: arg, fromDir: false });
    return;
  }
  const walk = (dir: string, depth: number) => {
    if (depth > 8) return;
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p, depth + 1);
      else if (e.isFile()) out.push({ file: p, fromDir: true });
    }
  };
  walk(arg, 0);
}

/** Writes text to stdout in large pieces, waiting for the pipe to drain (so --ndjson of a huge log stays flat). */
class Sink {
  private parts: string[] = [];
  private size = 0;
  line(s: string): Promise<void> | undefined {
    this.parts.push(s, '\n');
    this.size += s.length + 1;
    return this.size >= FLUSH_AT ? this.flush() : undefined;
  }
  flush(): Promise<void> | undefined {
    if (!this.size) return undefined;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (process.stdout.write(text)) return undefined;
    return new Promise((resolve) => process.stdout.once('drain', () => resolve()));
  }
}

export const eventsCommand: Command = {
  name: 'events',
  summary: 'read Security/System event logs (EVTX, XML, JSON, CSV exports) and name the causes behind the failures',
  usage:
    'kerbscope events FILE|FOLDER|- ... [--json | --ndjson | --bulk INDEX] [--since TIME] [--until TIME] [--account NAME ...] [--service NAME ...]',
  examples: [
    'kerbscope events Security.evtx System.evtx            # the causes, per-account and per-service tables, damage',
    'kerbscope events dc-logs/                              # a folder of logs from many DCs, merged by time',
    'kerbscope events Security.evtx --account jdoe --since 2024-03-01T08:00Z',
    'kerbscope events Security.evtx --service HTTP/web.contoso.com',
    "kerbscope events Security.evtx --json | jq '.findings[0]'   # schemaVersion, records, rejected, byEventId, problems, findings",
    'kerbscope events Security.evtx --ndjson > events.ndjson     # one ECS document per event (winlog.*, user.name, source.ip, kerberos.*)',
    'kerbscope events Security.evtx --bulk winlogs | curl -s -H "Content-Type: application/x-ndjson" --data-binary @- http://localhost:9200/_bulk',
    'wevtutil qe Security /f:xml | kerbscope events -        # an export on stdin',
    'kerbscope events Security.evtx --html events.html      # also the causes and tables in one HTML file',
  ],
  options: {
    json: { type: 'boolean', description: 'the report as JSON (schemaVersion 1; README)' },
    ndjson: { type: 'boolean', description: 'stream one Elastic Common Schema document per event (after the filters)' },
    bulk: { type: 'string', value: 'INDEX', description: 'like --ndjson, as Elasticsearch/OpenSearch _bulk lines into INDEX' },
    since: { type: 'string', value: 'TIME', description: 'only events at or after TIME (ISO 8601; UTC unless it says otherwise)' },
    until: { type: 'string', value: 'TIME', description: 'only events at or before TIME' },
    account: {
      type: 'string',
      multiple: true,
      value: 'NAME',
      description: 'only events naming this account (DOMAIN\\user, user@realm; repeatable)',
    },
    service: {
      type: 'string',
      multiple: true,
      value: 'NAME',
      description: 'only events naming this service / SPN (substring; repeatable)',
    },
    limit: { type: 'string', value: 'N', description: 'rows per table in the text report (default 20)' },
    html: HTML_OPTION,
  },
  async run(values, positionals, io) {
    if (!positionals.length) throw new UsageError('name an event log (EVTX, XML, JSON or CSV export), a folder of them, or - for stdin');
    const modes = ['json', 'ndjson', 'bulk'].filter((k) => values[k] !== undefined && values[k] !== false);
    if (modes.length > 1) throw new UsageError(`--${modes.join(' and --')} cannot be combined: choose one output`);
    const bulk = values.bulk as string | undefined;
    if (bulk !== undefined && (!bulk || /[\s"\\/*?<>|,#]/.test(bulk) || bulk !== bulk.toLowerCase()))
      throw new UsageError(`--bulk ${bulk}: not an Elasticsearch index name (lower case, no spaces or \\ / * ? " < > | , #)`);
    const limitArg = values.limit as string | undefined;
    const limit = limitArg === undefined ? 20 : Number(limitArg);
    if (!Number.isInteger(limit) || limit < 0) throw new UsageError(`--limit ${limitArg}: not a number of rows`);
    const filter: EventFilter = {};
    const since = parseTimeOption('since', values.since as string | undefined);
    const until = parseTimeOption('until', values.until as string | undefined);
    if (since) filter.since = since;
    if (until) filter.until = until;
    if (since && until && since > until) throw new UsageError('--since is after --until: nothing could match');
    const accounts = (values.account as string[] | undefined)?.filter(Boolean);
    const services = (values.service as string[] | undefined)?.filter(Boolean);
    if (accounts?.length) filter.accounts = accounts;
    if (services?.length) filter.services = services;
    if (positionals.filter((p) => p === '-').length > 1) throw new UsageError('standard input (-) can be named once');
    const htmlFile = checkHtmlTarget(values.html);

    const inputs: { file: string; fromDir: boolean }[] = [];
    for (const p of positionals)
      if (p === '-') inputs.push({ file: '-', fromDir: false });
      else expand(p, inputs);
    if (!inputs.length) throw new UsageError(`${positionals.join(', ')}: no files in that folder`);

    const problems: EventProblem[] = [];
    const stats: FileStats[] = [];
    let unusable = 0;
    let total = 0;
    for (const i of inputs)
      if (i.file !== '-')
        try {
          total += statSync(i.file).size;
        } catch {
          // reported when read
        }
    const stdin = inputs.some((i) => i.file === '-') ? await io.readStdin() : undefined;
    if (stdin) total += stdin.length;
    const bar = Boolean(process.stderr.isTTY) && total >= PROGRESS_FROM;
    const progress = new Map<string, number>();
    let lastDraw = 0;
    const draw = (file: string, n: number) => {
      progress.set(file, n);
      const now = Date.now();
      if (!bar || now - lastDraw < 200) return;
      lastDraw = now;
      let done = 0;
      for (const v of progress.values()) done += v;
      const f = Math.min(1, done / total);
      const w = 30;
      process.stderr.write(
        `\r[${'#'.repeat(Math.round(f * w)).padEnd(w)}] ${(f * 100).toFixed(0).padStart(3)}% ${mib(done)} / ${mib(total)}, ${analysis.records.toLocaleString('en-US')} records`,
      );
    };

    // each input as a generator that reports (rather than throws) an unusable file, and keeps its counts
    function* guarded(input: { file: string; fromDir: boolean }): Generator<EventRecord> {
      const label = input.file === '-' ? 'stdin' : input.file;
      try {
        const gen =
          input.file === '-'
            ? readEventBytes(stdin ?? new Uint8Array(0), label, problems, (n) => draw(label, n))
            : readEventFile(input.file, problems, (n) => draw(label, n));
        stats.push(yield* gen);
      } catch (e) {
        if (!(e instanceof UnusableInput)) throw e;
        if (input.fromDir) {
          problems.push({ file: label, severity: 'warning', code: 'NOT_EVENT_LOG', message: 'skipped: not an event log' });
          return;
        }
        unusable++;
        problems.push({ file: label, severity: 'error', code: 'UNUSABLE', message: e.message });
        io.err(`kerbscope events: ${e.message}`);
      }
    }

    const analysis = new EventAnalysis(filter);
    const sink = values.ndjson || bulk !== undefined ? new Sink() : undefined;
    const action = bulk !== undefined ? JSON.stringify({ index: { _index: bulk } }) : undefined;
    for (const r of mergeByTime(inputs.map(guarded))) {
      if (!analysis.add(r) || !sink) continue;
      if (action) sink.line(action);
      const wait = sink.line(JSON.stringify(toEcs(r)));
      if (wait) await wait;
    }
    if (bar) process.stderr.write(`\r${' '.repeat(90)}\r`);
    const report = analysis.report(stats, problems);
    const f: string[] = [];
    if (since) f.push(`since ${since.toISOString()}`);
    if (until) f.push(`until ${until.toISOString()}`);
    if (accounts?.length) f.push(`account ${accounts.join(', ')}`);
    if (services?.length) f.push(`service ${services.join(', ')}`);
    if (sink) await sink.flush();
    else if (values.json) io.out(renderJson(report));
    else io.out(renderEvents(report, { limit, ...(f.length ? { filters: f.join('; ') } : {}) }));
    if (htmlFile && !writeHtmlReport('events', htmlFile, renderEventsHtml(report, f.length ? { filters: f.join('; ') } : {}), io))
      return EXIT.UNUSABLE;
    // an input named on the command line that is no event log makes the run unusable, even if the others were read
    if (unusable) return EXIT.UNUSABLE;
    const damaged = report.rejected > 0 || report.lost > 0 || problems.some((p) => p.severity === 'error');
    return report.findings.some((f) => f.severity === 'error') || damaged ? EXIT.PROBLEMS : EXIT.OK;
  },
};
