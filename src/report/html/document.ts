/**
 * The page shell of the HTML report: one self-contained file (inline CSS, one small inline script, inline SVG;
 * no URL of any kind, so opening it fetches nothing), light and dark (prefers-color-scheme), and a print style
 * (white paper, every <details> open, no buttons).
 *
 * Defence in depth: every string from evidence is escaped (escapeHtml) by the renderers, AND the page carries a
 * Content-Security-Policy that allows no network at all, only this file's own stylesheet and script (by their
 * SHA-256), no inline event handlers and no style attributes. An escaping bug therefore still cannot run script
 * or load anything. The hashes are constants (this module runs in the browser too, without node:crypto);
 * test/report/html.test.ts recomputes them, so editing STYLE or SCRIPT without updating them fails the tests.
 */
import { escapeHtml } from '../escape.js';

export const STYLE = `
:root{--bg:#fff;--fg:#1b1f24;--muted:#59636e;--line:#d1d9e0;--panel:#f6f8fa;--ok:#1a7f37;--fail:#cf222e;--warn:#9a6700;--skip:#8c959f;--accent:#0969da;--rootbg:#ffebe9;--code:#eff2f5;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--panel:#151b23;--ok:#3fb950;--fail:#f85149;--warn:#d29922;--skip:#6e7681;--accent:#4493f8;--rootbg:#3a1d1f;--code:#1f2630}}
*{box-sizing:border-box}
body{margin:0;padding:24px;background:var(--bg);color:var(--fg);font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1200px;margin:0 auto}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}h3{font-size:15px;margin:0}
.sub{color:var(--muted);margin:0 0 6px;overflow-wrap:anywhere}
.verdict{display:inline-block;padding:4px 10px;border-radius:6px;font-weight:600;margin:8px 0}
.verdict.bad{background:var(--rootbg);color:var(--fail)}.verdict.good{color:var(--ok);border:1px solid var(--ok)}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
figure.sequence{margin:0;overflow-x:auto;border:1px solid var(--line);border-radius:8px;background:var(--panel);padding:8px}
figure.sequence figcaption{color:var(--muted);font-size:12px;padding:4px 8px}
svg{font:12px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:none}
svg .lane-box{fill:var(--bg);stroke:var(--line)}
svg .lane-title{font-weight:600;fill:var(--fg)}svg .lane-sub{fill:var(--muted);font-size:10.5px}
svg .lifeline{stroke:var(--line);stroke-dasharray:4 4}
svg .line{stroke-width:1.6;fill:none}svg .reply .line{stroke-dasharray:6 4}
svg .label{fill:var(--fg);paint-order:stroke;stroke:var(--panel);stroke-width:4px;stroke-linejoin:round}
svg circle.num{fill:var(--bg);stroke-width:1.4}svg text.num{font-size:10.5px;font-weight:700}
svg .a-ok .line,svg .a-ok circle.num{stroke:var(--accent)}svg .a-ok text.num,svg .ah-ok{fill:var(--accent)}
svg .a-fail .line,svg .a-fail circle.num{stroke:var(--fail)}svg .a-fail text.num,svg .ah-fail,svg .a-fail .label{fill:var(--fail)}svg .a-fail .label{font-weight:700}svg .a-fail .line{stroke-width:2.6}
svg .a-warn .line,svg .a-warn circle.num{stroke:var(--warn)}svg .a-warn text.num,svg .ah-warn{fill:var(--warn)}
svg .a-skip .line,svg .a-skip circle.num{stroke:var(--skip)}svg .a-skip text.num,svg .ah-skip,svg .a-skip .label{fill:var(--skip)}svg .a-skip .line{stroke-dasharray:2 4}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:var(--panel);font-weight:600}
td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
tr.s-fail td{color:var(--fail)}tr.s-fail td:first-child{border-left:3px solid var(--fail)}
tr.s-warn td:first-child{border-left:3px solid var(--warn)}tr.s-skip td{color:var(--skip)}
.mark{font-weight:700}.s-pass .mark,.s-ok .mark{color:var(--ok)}.s-fail .mark{color:var(--fail)}.s-warn .mark{color:var(--warn)}
.finding{border:1px solid var(--line);border-radius:8px;padding:12px 14px;margin:10px 0;background:var(--bg)}
.finding.root{border:2px solid var(--fail);background:var(--rootbg)}
.finding .badge{display:inline-block;font-size:11px;font-weight:700;padding:1px 7px;border-radius:10px;margin-right:6px;border:1px solid currentColor;text-transform:uppercase}
.sev-error .badge.sev{color:var(--fail)}.sev-warning .badge.sev{color:var(--warn)}.sev-info .badge.sev{color:var(--muted)}
.badge.root{background:var(--fail);color:#fff;border-color:var(--fail)}
.finding .meta{color:var(--muted);font-size:12.5px;margin:2px 0 6px}
.finding ul{margin:4px 0 8px;padding-left:20px}
h4{font-size:13px;margin:10px 0 2px}h4 .sub{display:inline;font-weight:400}
.fix{margin:6px 0 0}.fix p{margin:4px 0;color:var(--muted)}
.cmd{display:flex;gap:8px;align-items:flex-start;margin:4px 0}
.cmd pre{flex:1;background:var(--code);border:1px solid var(--line);border-radius:6px;padding:6px 8px}
button.copy{font:12px system-ui,sans-serif;padding:4px 8px;border:1px solid var(--line);border-radius:6px;background:var(--panel);color:var(--fg);cursor:pointer}
details{border:1px solid var(--line);border-radius:6px;margin:6px 0;background:var(--bg)}
details>summary{cursor:pointer;padding:6px 10px;background:var(--panel);border-radius:6px;overflow-wrap:anywhere}
details>.body{padding:8px 12px}
.kv td:first-child{color:var(--muted);white-space:nowrap;width:1%}
.toolbar{margin:6px 0}.toolbar button{font:12px system-ui,sans-serif;padding:3px 8px;border:1px solid var(--line);border-radius:6px;background:var(--panel);color:var(--fg);cursor:pointer}
footer{color:var(--muted);font-size:12px;margin-top:32px}
@media print{
:root{--bg:#fff;--fg:#000;--muted:#444;--line:#bbb;--panel:#fff;--code:#fff;--rootbg:#fff;color-scheme:light}
body{padding:0;background:#fff;color:#000}
button,.toolbar{display:none}
details>summary{list-style:none}
details::details-content{content-visibility:visible;display:block}
figure.sequence{overflow:visible;border:none}
figure.sequence svg{max-width:100%;height:auto}
.finding,tr,details{break-inside:avoid}
h2,h3,h4{break-after:avoid}
}
`;

export const SCRIPT = `
(function(){
function sel(el){var r=document.createRange();r.selectNodeContents(el);var s=getSelection();s.removeAllRanges();s.addRange(r);}
document.addEventListener('click',function(e){
var t=e.target;if(!t||!t.closest)return;
var b=t.closest('button.copy');
if(b){var pre=b.parentNode.querySelector('pre');if(!pre)return;var text=pre.textContent||'';
var done=function(){b.textContent='Copied';setTimeout(function(){b.textContent='Copy';},1200);};
if(navigator.clipboard&&navigator.clipboard.writeText)navigator.clipboard.writeText(text).then(done,function(){sel(pre);});else sel(pre);return;}
var x=t.closest('button[data-details]');
if(x){var open=x.getAttribute('data-details')==='open';document.querySelectorAll('details').forEach(function(d){d.open=open;});}
});
var opened=[];
addEventListener('beforeprint',function(){document.querySelectorAll('details:not([open])').forEach(function(d){d.open=true;opened.push(d);});});
addEventListener('afterprint',function(){opened.forEach(function(d){d.open=false;});opened=[];});
})();
`;

/** base64 SHA-256 of STYLE and SCRIPT, as the CSP wants them (checked by test/report/html.test.ts). */
export const STYLE_SHA256 = 'lNB65gKI6GHjpXCi2DpN93EcFeYdDfoV3ouKw9GWwMk=';
export const SCRIPT_SHA256 = '8G0EfXNHvARu2uJJgwkEb4mkqscPcd2GhtwCcdol6Bg=';

export const CSP = `default-src 'none'; style-src 'sha256-${STYLE_SHA256}'; script-src 'sha256-${SCRIPT_SHA256}'; img-src data:; base-uri 'none'; form-action 'none'`;

/** Evidence (or anything) for an HTML text node or a double-quoted attribute value. */
export const h = escapeHtml;

/** Multi-line text (a decode tree, a listing) for a <pre>: each line escaped on its own, the line breaks kept. */
export function preText(text: string): string {
  return text.replace(/\n$/, '').split('\n').map(escapeHtml).join('\n');
}

export interface Page {
  /** <title> and <h1> */
  title: string;
  /** lines under the title (evidence: escaped here) */
  subtitle?: string[];
  /** the verdict line: bad (red) or good */
  verdict?: { text: string; bad: boolean };
  /** body sections, already HTML (built by the renderers, every value escaped) */
  sections: string[];
  /** "kerbscope 0.x" or the command line; escaped */
  generator?: string;
}

/** The whole document. */
export function renderPage(p: Page): string {
  const sub = (p.subtitle ?? []).map((s) => `<p class="sub">${h(s)}</p>`).join('\n');
  const verdict = p.verdict ? `<p class="verdict ${p.verdict.bad ? 'bad' : 'good'}">${h(p.verdict.text)}</p>` : '';
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${h(CSP)}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>${h(p.title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${h(p.title)}</h1>`,
    sub,
    verdict,
    ...p.sections,
    `<footer>${h(p.generator ?? 'kerbscope')} · a self-contained report: it loads nothing from the network.</footer>`,
    '</main>',
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** A section with a heading. */
export function section(id: string, title: string, body: string): string {
  return `<section id="${h(id)}">\n<h2>${h(title)}</h2>\n${body}\n</section>`;
}

/** A collapsible block; `summary` is escaped, `body` is HTML. */
export function details(summary: string, body: string, open = false, cls = ''): string {
  return `<details${cls ? ` class="${h(cls)}"` : ''}${open ? ' open' : ''}><summary>${h(summary)}</summary><div class="body">${body}</div></details>`;
}

/** The buttons that open or close every <details> (they do nothing without the script; print opens them anyway). */
export function detailsToolbar(): string {
  return '<div class="toolbar"><button type="button" data-details="open">Expand all</button> <button type="button" data-details="close">Collapse all</button></div>';
}

/** Label/value rows; every label and value escaped. Objects are shown as JSON; bytes as their length. */
export function kvTable(rows: readonly (readonly [string, unknown])[]): string {
  const body = rows
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `<tr><td>${h(k)}</td><td class="mono">${h(valueText(v))}</td></tr>`)
    .join('');
  return `<table class="kv"><tbody>${body}</tbody></table>`;
}

export function valueText(v: unknown): string {
  if (v instanceof Uint8Array) return `(${v.length} bytes)`;
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '(invalid date)' : v.toISOString();
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object' || x === null)) return v.join(', ');
  if (typeof v === 'object' && v !== null)
    return JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? `(${x.length} bytes)` : typeof x === 'bigint' ? x.toString() : x));
  return String(v);
}
