export * from './ad-diagnostic.js';
export * from './controls.js';
export * from './filter.js';
export * from './framing.js';
export * from './message.js';
export * from './result-codes.js';
