export * from './avpairs.js';
export * from './flags.js';
export * from './messages.js';
export * from './version.js';
