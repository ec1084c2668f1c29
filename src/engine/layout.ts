/** The shared memory map (one source for both languages: assembly/layout.ts). */
export * from '../../assembly/layout.js';
