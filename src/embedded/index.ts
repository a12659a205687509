/** The embedded CONTOSO.COM lab: a KDC, DNS and a Negotiate web server in one process, on loopback only. */
export * from './acceptor.js';
export * from './directory.js';
export * from './dns.js';
export * from './kdc.js';
export * from './kdc-server.js';
export * from './lab.js';
export * from './loopback.js';
export * from './titles.js';
export * from './web.js';
