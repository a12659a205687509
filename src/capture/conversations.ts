/**
 * `--conversations`: a client's walk to one service, in the guidance's order — DNS → 401 challenge → AS/TGS →
 * AP-REQ → result — built from the messages a trace extracted, with the first step that failed marked.
 */
import type { TraceConversation, TraceResult } from './model.js';

type Step = TraceConversation['steps'][number];

export function buildConversations(r: Pick<TraceResult, 'messages' | 'http' | 'dns'>): TraceConversation[] {
  const out: TraceConversation[] = [];
  // HTTP: one conversation per client and Host
  const byKey = new Map<string, TraceConversation & { server: string; host: string; lastFrame: number }>();
  const reqs = r.http.filter((h) => h.method);
  for (const req of reqs) {
    const host = (req.host ?? req.dst).replace(/:\d+$/, '').toLowerCase();
    const key = `${req.src} ${host}`;
    let c = byKey.get(key);
    if (!c) {
      c = {
        client: req.src,
        service: `http://${host}`,
        spn: `HTTP/${host}`,
        steps: [],
        outcome: 'incomplete',
        server: req.dst,
        host,
        lastFrame: 0,
      };
      byKey.set(key, c);
      const firstFrame = req.frame;
      // the lookups of the host name before the first request (A and AAAA: one answer is enough)
      const qs = r.dns.filter((d) => d.frame < firstFrame && d.src === req.src && d.name.toLowerCase() === host && !d.response);
      if (qs.length) {
        const answered = qs.map((q) => ({ q, a: r.dns.find((d) => d.response && d.id === q.id && d.dst === q.src && d.frame > q.frame) }));
        const good = answered.find((x) => x.a?.rcode === 'NOERROR' && (x.a.answers?.length ?? 0) > 0);
        const shown = good ?? answered[answered.length - 1];
        if (shown)
          c.steps.push({
            step: 'dns',
            frame: shown.a?.frame ?? shown.q.frame,
            summary: shown.a
              ? `${shown.q.qtype} ${shown.q.name} → ${shown.a.rcode === 'NOERROR' ? shown.a.answers?.map((x) => x.data).join(', ') || 'no records' : shown.a.rcode}`
              : `${shown.q.qtype} ${shown.q.name}: no response`,
            ok: !!good,
          });
      }
    }
    c.lastFrame = req.frame;
  }
  for (const c of byKey.values()) {
    const exchange = r.http.filter((h) => (h.src === c.client && h.dst === c.server) || (h.dst === c.client && h.src === c.server));
    const first = exchange[0]?.frame ?? 0;
    for (const h of exchange) {
      if (h.status === 401 || h.status === 407)
        c.steps.push({
          step: 'challenge',
          frame: h.frame,
          summary: `${h.status} ${h.scheme ?? '(no challenge)'}${h.tokenMessage ? ` carrying ${h.tokenMessage}` : ''}`,
          ok: !h.tokenMessage?.startsWith('KRB-ERROR'),
        });
      if (h.method && h.tokenMessage)
        c.steps.push({
          step: 'ap-req',
          frame: h.frame,
          summary: `${h.method} ${h.uri ?? ''} Authorization: ${h.scheme} (${h.tokenMessage})`,
          ok: true,
        });
      if (h.status !== undefined && h.status !== 401 && h.status !== 407)
        c.steps.push({
          step: 'result',
          frame: h.frame,
          summary: `${h.status} ${h.reason ?? ''}${h.tokenMessage ? ` with ${h.tokenMessage}` : ''}`.trim(),
          ok: h.status < 400,
        });
    }
    // the KDC exchanges for this service's SPN (and the client's AS exchange before it)
    for (const m of r.messages) {
      if (m.src !== c.client && m.dst !== c.client) continue;
      if (m.transport !== 'udp' && m.transport !== 'tcp') continue;
      const sname = (m.sname ?? []).join('/').toLowerCase();
      const forService = sname === `http/${c.host}` || (m.sname?.[1] ?? '').toLowerCase() === c.host;
      const isAs = m.msgType === 10 || m.msgType === 11 || (m.msgType === 30 && (m.sname?.[0] ?? '').toLowerCase() === 'krbtgt');
      if (!(forService || (isAs && m.frame <= first + 0 + 1e9 && m.frame < (exchange.at(-1)?.frame ?? Infinity)))) continue;
      const step: Step['step'] = isAs ? 'as' : 'tgs';
      const ok = m.msgType !== 30 || m.errorCode === 25 || m.errorCode === 52;
      c.steps.push({
        step,
        frame: m.frame,
        summary:
          `${m.msgName}${m.errorCode !== undefined ? ` ${m.errorName ?? ''} (${m.errorCode})` : ''} ${(m.sname ?? []).join('/')}`.trim(),
        ok,
      });
    }
    c.steps.sort((a, b) => a.frame - b.frame);
    const failed = c.steps.find((s) => !s.ok);
    const result = [...c.steps].reverse().find((s) => s.step === 'result');
    if (failed) {
      c.failedStep = failed.step;
      c.outcome = 'failed';
    } else c.outcome = result?.ok ? 'ok' : 'incomplete';
    // the last word is the server's: a success at the end means the walk worked (retries on the way included)
    if (result?.ok) {
      c.outcome = 'ok';
      delete c.failedStep;
    }
    const { server: _s, host: _h, lastFrame: _l, ...plain } = c;
    out.push(plain);
  }
  // clients that talked to a KDC without any HTTP conversation (kinit, SMB, LDAP)
  const kdcClients = new Map<string, TraceConversation>();
  for (const m of r.messages) {
    if (m.transport !== 'udp' && m.transport !== 'tcp') continue;
    const client = m.msgType === 10 || m.msgType === 12 ? m.src : m.dst;
    if (out.some((c) => c.client === client)) continue;
    const kdc = m.msgType === 10 || m.msgType === 12 ? m.dst : m.src;
    const key = `${client} ${kdc}`;
    let c = kdcClients.get(key);
    if (!c) {
      c = { client, service: `kdc ${kdc}`, steps: [], outcome: 'incomplete' };
      kdcClients.set(key, c);
    }
    const isAs = m.msgType === 10 || m.msgType === 11 || (m.msgType === 30 && (m.sname?.[0] ?? '').toLowerCase() === 'krbtgt');
    const ok = m.msgType !== 30 || m.errorCode === 25 || m.errorCode === 52;
    c.steps.push({
      step: isAs ? 'as' : 'tgs',
      frame: m.frame,
      summary:
        `${m.msgName}${m.errorCode !== undefined ? ` ${m.errorName ?? ''} (${m.errorCode})` : ''} ${(m.sname ?? []).join('/')}`.trim(),
      ok,
    });
  }
  for (const c of kdcClients.values()) {
    const failed = c.steps.find((s) => !s.ok);
    if (failed) {
      c.failedStep = failed.step;
      c.outcome = 'failed';
    } else c.outcome = c.steps.some((s) => s.summary.startsWith('AS-REP') || s.summary.startsWith('TGS-REP')) ? 'ok' : 'incomplete';
    out.push(c);
  }
  return out;
}
