export * from './framing.js';
export * from './krb5.js';
export * from './negoex.js';
export * from './oids.js';
export * from './spnego.js';
export * from './token.js';
