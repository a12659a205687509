/** SMB2/SMB3 (MS-SMB2): the header, the messages of negotiate → session setup → tree connect, framing and signing. No I/O. */
export * from './constants.js';
export * from './framing.js';
export * from './header.js';
export * from './messages.js';
export * from './signing.js';
