/** MS-DTYP data types: binary SIDs (§2.4.2.2) and self-relative security descriptors with their ACLs and ACEs (§2.4.4–§2.4.6). */
export * from './security-descriptor.js';
export * from './sid.js';
