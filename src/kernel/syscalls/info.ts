/** uname and sysinfo: fixed, deterministic answers describing the machine. */
import { row, errnoResult, type SyscallRow } from './table.js';
import { copyToUser, tryCopyToUser, userSpan } from '../uaccess.js';
import { EFAULT } from '../errno.js';

const enc = new TextEncoder();
/** sizeof(struct sysinfo) on x86-64. */
const SYSINFO_SIZE = 112;
/** sysinfo's reply, reused: allocating a typed array costs more than the whole syscall. */
const sysinfoBuf = new Uint8Array(SYSINFO_SIZE);
const sysinfoDv = new DataView(sysinfoBuf.buffer);

function utsField(s: string): Uint8Array {
  const b = new Uint8Array(65);
  b.set(enc.encode(s).subarray(0, 64));
  return b;
}

export const infoSyscalls: SyscallRow[] = [
  row(63, 'uname', 'p', (k, a) => {
    const fields = ['Linux', 'sudsim', k.unameRelease, '#1 SMP PREEMPT_DYNAMIC sudsim', 'x86_64', '(none)'];
    const buf = new Uint8Array(65 * 6);
    fields.forEach((f, i) => buf.set(utsField(f), i * 65));
    copyToUser(k.mm, a.u64(0), buf);
    return 0n;
  }),
  row(99, 'sysinfo', 'p', (k, a) => {
    const addr = a.u64(0);
    // the frames in use as before the buffer's page is made writable (which may take one)
    const framesUsed = k.framesUsed();
    // a bad buffer returns -EFAULT without a throw, and before the reply is laid out
    // (the fuzzer's harmless call 8 passes NULL): the copy below would fault on this page
    if (userSpan(k.mm, addr, SYSINFO_SIZE, true) === 0) return errnoResult(EFAULT);
    // struct sysinfo, laid out in a scratch (copyToUser copies it at once)
    const b = sysinfoBuf;
    const dv = sysinfoDv;
    b.fill(0);
    const uptime = k.clockNs() / 1_000_000_000n;
    dv.setBigInt64(0, uptime, true);
    const total = 1n << 30n;
    dv.setBigUint64(32, total, true); // totalram
    dv.setBigUint64(40, total - BigInt(framesUsed) * 4096n, true); // freeram
    dv.setUint16(80, k.taskCount(), true); // procs
    dv.setUint32(104, 1, true); // mem_unit
    return tryCopyToUser(k.mm, addr, b) ? 0n : errnoResult(EFAULT);
  }),
];
