/**
 * The event-log layer without the rulebook (its crypto-backed rules are not browser-safe yet): readers of the
 * exports, normalisation, facts, the ECS mapping, the event catalogue and the aggregation.
 */
export * from './aggregate.js';
export * from './catalogue.js';
export * from './ecs.js';
export * from './exports.js';
export * from './facts.js';
export * from './normalize.js';
