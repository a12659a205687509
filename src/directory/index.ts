export * from './spn.js';
export * from './uac.js';
