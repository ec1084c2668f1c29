import { join } from 'node:path';
import { chmodSync, writeFileSync } from 'node:fs';
import { Machine } from '../../src/api/index.js';
import { buildStatic, gccUnavailable, readBinary, runNative, workDir } from '../helpers/native.js';

const skip = gccUnavailable();
if (skip) console.warn(`copy-on-write comparison skipped: ${skip}`);
const maybe = skip ? describe.skip : describe;
const dir = join(import.meta.dirname, 'programs');

/**
 * Fills the file bytes after the executable segment's p_filesz, up to its
 * page's end, with a pattern: Linux maps whole file pages, so a program
 * sees those bytes after its text (the linker leaves them zero).
 */
function markTextTail(elf: Uint8Array): Uint8Array {
  const out = elf.slice();
  const dv = new DataView(out.buffer);
  const phoff = Number(dv.getBigUint64(0x20, true));
  const phentsize = dv.getUint16(0x36, true);
  for (let i = 0; i < dv.getUint16(0x38, true); i++) {
    const p = phoff + i * phentsize;
    const PT_LOAD = 1;
    const PF_X = 1;
    if (dv.getUint32(p, true) !== PT_LOAD || !(dv.getUint32(p + 4, true) & PF_X)) continue;
    const end = Number(dv.getBigUint64(p + 8, true) + dv.getBigUint64(p + 32, true));
    for (let o = end; o % 4096 !== 0 && o < out.length; o++) out[o] = 0x40 + (o % 37);
  }
  return out;
}

maybe('private memory', () => {
  it('fork children write their own copies of data and of code that already ran, exec starts from the file again, and text pages show the file bytes past the segment, as natively', () => {
    // one segment for text and rodata, so that file bytes follow the text in its last page
    const exe = buildStatic('cow', [join(dir, 'cow.c')], ['-O1', '-nostdlib', '-ffreestanding', '-mgeneral-regs-only', '-Wl,-z,noseparate-code', `-I${dir}`]);
    const bytes = markTextTail(readBinary(exe));
    const marked = join(workDir, 'cow-marked');
    writeFileSync(marked, bytes);
    chmodSync(marked, 0o755);
    const native = runNative(marked);
    expect(native.status).toBe(0);
    const m = new Machine();
    m.addFile('/proc/self/exe', bytes);
    m.load(bytes, { argv: ['cow'] });
    expect(m.run()).toMatchObject({ kind: 'exited', status: 0 });
    expect(m.stdoutText()).toBe(native.stdout.toString());
    expect(m.stdoutText()).toContain('child_f=9\nchild_status=768\nparent_g=1\nparent_f=7\n');
    expect(m.stdoutText()).toContain('parent_patched_f=13\nexec_f=7\nexec_g=1\n');
    expect(m.stdoutText()).not.toContain('text_tail_sum=0\n');
  });
});

maybe('code written through a copy-on-write break', () => {
  it('runs the new bytes at the next call from a call site that ran before, as natively', () => {
    const exe = buildStatic('cow_code', [join(dir, 'cow_code.c')], ['-O1', '-nostdlib', '-ffreestanding', '-mgeneral-regs-only', `-I${dir}`]);
    const native = runNative(exe);
    expect(native.status).toBe(0);
    const m = new Machine();
    m.load(readBinary(exe), { argv: ['cow_code'] });
    expect(m.run()).toMatchObject({ kind: 'exited', status: 0 });
    expect(m.stdoutText()).toBe(native.stdout.toString());
    expect(m.stdoutText()).toContain('calls=70707212121\n');
  });
});
