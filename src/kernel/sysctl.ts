/**
 * /proc/sys: the kernel settings a program reads (and root may change)
 * through files: kernel.{hostname,domainname} (the names uname(2)
 * reports, changed by a write as sethostname would), kernel.{osrelease,
 * ostype,version} (read-only: uname's other fields), kernel.pid_max,
 * vm.overcommit_memory and fs.pipe-max-size. A write is parsed as
 * kernel/sysctl.c's handlers parse it (proc_dostring, proc_dointvec_minmax,
 * proc_dopipe_max_size); a read-only entry refuses opening for writing,
 * even to root (EACCES from proc_sys_permission).
 */
import { Errno, EINVAL } from './errno.js';
import type { Kernel } from './kernel.js';

/** uname's fields that no sysctl changes (UTS_SYSNAME, UTS_VERSION, UTS_MACHINE). */
export const UTS_SYSNAME = 'Linux';
export const UTS_VERSION = '#1 SMP PREEMPT_DYNAMIC sudsim';
export const UTS_MACHINE = 'x86_64';
/** __NEW_UTS_LEN: a name's longest length. */
const NEW_UTS_LEN = 64;
/** pid_max's bounds (PID_MAX_MIN, PID_MAX_LIMIT on 64-bit). */
const PID_MAX_MIN = 301;
const PID_MAX_LIMIT = 4194304;

/** The settings a write may change. */
export class Sysctl {
  hostname = 'sudsim';
  domainname = '(none)';
  /** OVERCOMMIT_GUESS (0), ALWAYS (1) or NEVER (2): kept and shown (the machine's mmap does not consult it). */
  overcommitMemory = 0;
  /** The largest pipe buffer an unprivileged F_SETPIPE_SZ may ask for (kept and shown). */
  pipeMaxSize = 1048576;
  /** PID_MAX_DEFAULT, 32768 on a machine of fewer than 32 CPUs (kept and shown: the machine never wraps pids). */
  pidMax = 32768;
}

/** An entry of /proc/sys: its value as text, and how a write sets it (absent: read-only, 0444). */
export interface SysctlEntry {
  show(k: Kernel): string;
  write?(k: Kernel, text: string): void;
}

/** proc_dostring: the text up to the first newline, at most maxlen - 1 bytes. */
const dostring = (text: string): string => text.split('\n')[0].slice(0, NEW_UTS_LEN);

/** proc_dointvec's parse: one integer, spaces around it; anything else is EINVAL. */
function dointvec(text: string): number {
  const m = /^\s*(-?[0-9]+)\s*$/.exec(text);
  if (!m) throw new Errno(EINVAL);
  return Number(m[1]);
}

/** The tree under /proc/sys: directories as objects, entries at the leaves. */
export type SysctlTable = { [name: string]: SysctlTable | SysctlEntry };

export const SYSCTL: SysctlTable = {
  fs: {
    'pipe-max-size': {
      show: (k) => `${k.sysctl.pipeMaxSize}\n`,
      write: (k, text) => {
        // round_pipe_size: a power of two of pages, at least one page
        const v = dointvec(text);
        if (v <= 0 || v > 0x80000000) throw new Errno(EINVAL);
        k.sysctl.pipeMaxSize = Math.max(4096, 2 ** Math.ceil(Math.log2(v)));
      },
    },
  },
  kernel: {
    domainname: { show: (k) => `${k.sysctl.domainname}\n`, write: (k, text) => void (k.sysctl.domainname = dostring(text)) },
    hostname: { show: (k) => `${k.sysctl.hostname}\n`, write: (k, text) => void (k.sysctl.hostname = dostring(text)) },
    osrelease: { show: (k) => `${k.unameRelease}\n` },
    ostype: { show: () => `${UTS_SYSNAME}\n` },
    pid_max: {
      show: (k) => `${k.sysctl.pidMax}\n`,
      write: (k, text) => {
        const v = dointvec(text);
        if (v < PID_MAX_MIN || v > PID_MAX_LIMIT) throw new Errno(EINVAL);
        k.sysctl.pidMax = v;
      },
    },
    version: { show: () => `${UTS_VERSION}\n` },
  },
  vm: {
    overcommit_memory: {
      show: (k) => `${k.sysctl.overcommitMemory}\n`,
      write: (k, text) => {
        const v = dointvec(text);
        if (v < 0 || v > 2) throw new Errno(EINVAL);
        k.sysctl.overcommitMemory = v;
      },
    },
  },
};
