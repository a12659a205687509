export * from './spn.js';
export * from './token-size.js';
export * from './uac.js';
