/**
 * The HTML report (issue 12): one self-contained page per command, rendered from the same models as the text and
 * JSON reports. Pure functions to a string: no I/O, no node:* import, so they run in the browser as well.
 */

export { auditReport } from './audit.js';
export { type CheckHtmlOptions, checkArrows, renderCheckHtml, stepError } from './check.js';
export { type DecodeHtmlInput, type DecodeHtmlOptions, decodeArrows, renderDecodeHtml } from './decode.js';
export { delegationArrows, renderDelegationHtml, renderTokenSizeHtml, type TokenSizeHtmlInput } from './directory.js';
export { CSP, renderPage } from './document.js';
export { type EventsHtmlOptions, eventsArrows, renderEventsHtml } from './events.js';
export { findingsHtml, isAdvice } from './findings.js';
export { type Arrow, type ArrowStatus, type Lane, renderSequence, type SequenceDiagram } from './sequence.js';
export { renderTraceHtml, type TraceHtmlOptions, traceArrows, traceRoles } from './trace.js';
