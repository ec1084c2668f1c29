/**
 * The Unicorn peer: a small Python script that maps a static ELF into a
 * Unicorn x86-64 CPU and answers the scenario programs' few syscalls from a
 * syscall hook. Unicorn has no kernel, so nothing there can deliver a SIGSYS:
 * the dispatch workload is not expressible in it.
 */
import { spawnSync } from 'node:child_process';

/** Interpreters tried in order: Debian's python3-unicorn lives under /usr/bin. */
const PYTHONS = ['python3', '/usr/bin/python3'];

export interface UnicornPeer {
  python: string;
  version: string;
}

/** The first python3 that can `import unicorn`, or null. */
export function findUnicorn(): UnicornPeer | null {
  for (const python of PYTHONS) {
    const r = spawnSync(python, ['-c', 'import unicorn; print(unicorn.__version__)'], { encoding: 'utf8', timeout: 20_000 });
    if (r.status === 0) return { python, version: r.stdout.trim() };
  }
  return null;
}

/** Usage: python3 script.py ELF ARGS...; the program's fd 1 goes to stdout, its exit status is ours. */
export const UNICORN_RUNNER_PY = String.raw`
import os, struct, sys, time
from unicorn import Uc, UC_ARCH_X86, UC_MODE_64, UC_HOOK_INSN
from unicorn.x86_const import UC_X86_INS_SYSCALL, UC_X86_REG_RAX, UC_X86_REG_RDI, UC_X86_REG_RSI, UC_X86_REG_RDX, UC_X86_REG_RSP

ENOSYS = 38
path = sys.argv[1]
argv = [path] + sys.argv[2:]
elf = open(path, 'rb').read()
entry, phoff = struct.unpack_from('<QQ', elf, 24)
phentsize, phnum = struct.unpack_from('<HH', elf, 54)
uc = Uc(UC_ARCH_X86, UC_MODE_64)
mapped = set()
for i in range(phnum):
    p_type, _flags, off, vaddr, _paddr, filesz, memsz, _align = struct.unpack_from('<IIQQQQQQ', elf, phoff + i * phentsize)
    if p_type != 1:  # PT_LOAD
        continue
    for page in range(vaddr & ~0xfff, (vaddr + memsz + 0xfff) & ~0xfff, 0x1000):
        if page not in mapped:
            uc.mem_map(page, 0x1000)
            mapped.add(page)
    uc.mem_write(vaddr, elf[off:off + filesz])

# the initial stack: argc, argv pointers, NULL, envp NULL, auxv AT_NULL
top = 0x7ffffffff000
uc.mem_map(top - 0x100000, 0x100000)
sp = top
ptrs = []
for a in argv:
    b = a.encode() + b'\0'
    sp -= len(b)
    uc.mem_write(sp, b)
    ptrs.append(sp)
words = [len(argv)] + ptrs + [0, 0, 0, 0]
sp = (sp - 8 * len(words)) & ~0xf
uc.mem_write(sp, struct.pack('<%dQ' % len(words), *words))
uc.reg_write(UC_X86_REG_RSP, sp)

status = [0]
out = sys.stdout.buffer

def on_syscall(uc, _data):
    nr = uc.reg_read(UC_X86_REG_RAX) & 0xffffffff
    a0 = uc.reg_read(UC_X86_REG_RDI)
    a1 = uc.reg_read(UC_X86_REG_RSI)
    a2 = uc.reg_read(UC_X86_REG_RDX)
    r = -ENOSYS
    if nr == 1:  # write
        out.write(bytes(uc.mem_read(a1, a2)))
        r = a2
    elif nr == 110:  # getppid
        r = os.getppid()
    elif nr == 228:  # clock_gettime
        t = time.clock_gettime_ns(time.CLOCK_MONOTONIC if a0 == 1 else time.CLOCK_REALTIME)
        uc.mem_write(a1, struct.pack('<qq', t // 1000000000, t % 1000000000))
        r = 0
    elif nr in (60, 231):  # exit, exit_group
        status[0] = a0 & 0xff
        uc.emu_stop()
        return
    uc.reg_write(UC_X86_REG_RAX, r & 0xffffffffffffffff)

uc.hook_add(UC_HOOK_INSN, on_syscall, None, 1, 0, UC_X86_INS_SYSCALL)
uc.emu_start(entry, 0)
out.flush()
sys.exit(status[0])
`;
