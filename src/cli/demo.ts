/** The built-in demonstration `npm start` runs. */
import { Machine } from '../api/machine.js';
import { DEMO_ELF } from './demo_program.js';

export function demoCommand(): number {
  const m = new Machine({ stdout: 'inherit', stderr: 'inherit' });
  m.load(DEMO_ELF, { argv: ['demo'] });
  const t0 = performance.now();
  const r = m.run();
  const ms = performance.now() - t0;
  process.stdout.write(`\n[sudsim] demo ${r.kind === 'exited' ? `exited with ${r.status}` : r.kind} after ${r.insns} instructions in ${ms.toFixed(1)} ms\n`);
  return r.kind === 'exited' ? r.status : 1;
}
