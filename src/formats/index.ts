/** MIT file formats (keytab, FILE ccache), .kirbi (KRB-CRED) and content sniffing. Pure codecs: no I/O. */
export * from './ccache.js';
export * from './common.js';
export * from './detect.js';
export * from './keytab.js';
export * from './kirbi.js';
export * from './klist.js';
