/**
 * Instruction conformance: every form in forms.ts runs with random operands
 * natively and in the engine, and the defined results must agree.
 * SUDSIM_SEED=n reproduces a run; SUDSIM_ISA_CASES=n sets cases per form.
 */
import { gccUnavailable } from '../helpers/native.js';
import { GROUPS, UNSUPPORTED } from './forms.js';
import { GroupRun, Prebuilt, buildAll, report, runGroup } from './harness.js';

const skip = gccUnavailable();
const maybe = skip ? describe.skip : describe;
if (skip) console.warn(`ISA conformance skipped: ${skip}`);

const seed = process.env.SUDSIM_SEED !== undefined ? Number(process.env.SUDSIM_SEED) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
if (!skip) console.log(`ISA conformance seed ${seed} (rerun with SUDSIM_SEED=${seed})`);
if (!skip && UNSUPPORTED.length) console.warn(`ISA conformance: the host CPU lacks features for: ${UNSUPPORTED.join(', ')}`);

const totals = { forms: 0, cases: 0 };
let prebuilt = new Map<string, Prebuilt>();

if (!skip) {
  beforeAll(async () => {
    prebuilt = await buildAll(GROUPS, seed);
  });
}

for (const group of GROUPS) {
  maybe(`isa: ${group.name}`, () => {
    let run: GroupRun;
    beforeAll(() => {
      run = runGroup(group, seed, prebuilt.get(group.name));
      totals.forms += group.forms.length;
      totals.cases += run.cases;
    });
    it.each(group.forms.map((f) => [f.name]))('%s', (name) => {
      const text = report(name, run.results.get(name));
      if (text) throw new Error(`${text}\n(seed ${seed})`);
    });
  });
}

maybe('isa: summary', () => {
  it('ran every group', () => {
    console.log(`ISA conformance: ${totals.forms} forms, ${totals.cases} cases, seed ${seed}`);
    expect(totals.cases).toBeGreaterThan(0);
  });
});
