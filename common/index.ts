export * from './errors.js';
export * from './types.js';
export * from './schemas.js';
export * from './events.js';
