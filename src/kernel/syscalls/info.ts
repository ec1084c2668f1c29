/** uname and sysinfo: deterministic answers describing the machine (its names are /proc/sys's, src/kernel/sysctl.ts). */
import { UTS_MACHINE, UTS_SYSNAME, UTS_VERSION } from '../sysctl.js';
import { row, errnoResult, type SyscallRow } from './table.js';
import { copyToUser, tryCopyToUser, userSpan } from '../uaccess.js';
import { EFAULT, EINVAL, ERANGE } from '../errno.js';

/** personality(2)'s flag that makes uname report a 2.6 release (for programs that parse 2.6.x only). */
const UNAME26 = 0x0020000;

/**
 * override_release: under UNAME26, "2.6." then the patch level plus 60,
 * then what follows the release's numbers ("6.17.0-sudsim" is
 * "2.6.77-sudsim").
 */
function uname26(release: string): string {
  const numbers = /^[0-9.]*/.exec(release)![0].split('.');
  const rest = release.slice(numbers.slice(0, 3).join('.').length);
  return `2.6.${Number(numbers[1] ?? 0) + 60}${rest}`;
}

const GRND_FLAGS = 1 | 2 | 4; // GRND_NONBLOCK, GRND_RANDOM, GRND_INSECURE
/** The most getrandom returns in one call (Linux: MAX_RW_COUNT). */
const GETRANDOM_MAX = 0x7ffff000;

const enc = new TextEncoder();
const CWD = new Uint8Array([0x2f, 0]);
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
  // getrandom: the machine's seeded generator (the same seed, the same bytes); never blocks
  row(318, 'getrandom', 'pux', (k, a) => {
    const flags = a.u64(2);
    if (flags & ~BigInt(GRND_FLAGS) || (flags & 6n) === 6n) return errnoResult(EINVAL);
    const len = a.u64(1) > BigInt(GETRANDOM_MAX) ? GETRANDOM_MAX : Number(a.u64(1));
    let done = 0;
    // a page at a time: a huge count never becomes a huge host buffer
    while (done < len) {
      const n = Math.min(4096, len - done);
      if (!tryCopyToUser(k.mm, a.u64(0) + BigInt(done), k.randomBytes(n))) return done > 0 ? BigInt(done) : errnoResult(EFAULT);
      done += n;
    }
    return BigInt(done);
  }),
  // getcwd: the process's working directory (chdir), with its NUL; the length it copied
  row(79, 'getcwd', 'pu', (k, a) => {
    const cwd = k.cwd();
    const bytes = cwd === '/' ? CWD : new TextEncoder().encode(cwd + '\0');
    if (a.u64(1) < BigInt(bytes.length)) return errnoResult(ERANGE);
    if (!tryCopyToUser(k.mm, a.u64(0), bytes)) return errnoResult(EFAULT);
    return BigInt(bytes.length);
  }),
  row(63, 'uname', 'p', (k, a) => {
    const release = k.current.personality & UNAME26 ? uname26(k.unameRelease) : k.unameRelease;
    const fields = [UTS_SYSNAME, k.sysctl.hostname, release, UTS_VERSION, UTS_MACHINE, k.sysctl.domainname];
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
