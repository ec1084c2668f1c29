import { join } from 'node:path';
import { Machine } from '../../src/api/index.js';
import { buildStatic, gccUnavailable, readBinary, runNative } from '../helpers/native.js';

const skip = gccUnavailable();
if (skip) console.warn(`fork comparison skipped: ${skip}`);
const maybe = skip ? describe.skip : describe;
const dir = join(import.meta.dirname, 'programs');

maybe('processes', () => {
  it('fork, wait4 statuses, WNOHANG, ECHILD, kill between processes and SUD cleared in the child match the host kernel', () => {
    const exe = buildStatic('fork', [join(dir, 'fork.c')], ['-O1', '-nostdlib', '-ffreestanding', '-mgeneral-regs-only', `-I${dir}`]);
    const native = runNative(exe);
    const lines: string[] = [];
    const m = new Machine({ trace: (l) => lines.push(l) });
    m.load(readBinary(exe), { argv: ['fork'] });
    const r = m.run();
    expect(native.status).toBe(7);
    expect(r).toMatchObject({ kind: 'exited', status: 7 });
    expect(m.stdoutText()).toBe(native.stdout.toString());
    expect(m.stdoutText()).toContain('faulting child: killed by 11');
    // strace -f style: the children's ends carry their pid
    expect(lines.some((l) => /^\[pid \d+\] \+\+\+ killed by SIGSEGV \+\+\+$/.test(l))).toBe(true);
  });

  it('schedules the same way every run (same output and instruction count)', () => {
    const exe = buildStatic('fork2', [join(dir, 'fork.c')], ['-O1', '-nostdlib', '-ffreestanding', '-mgeneral-regs-only', `-I${dir}`]);
    const runs = [1, 2].map(() => {
      const m = new Machine();
      m.load(readBinary(exe));
      return [m.run(), m.stdoutText()];
    });
    expect(runs[0]).toEqual(runs[1]);
  });
});

maybe('threads', () => {
  it('clone threads share memory, get their own tid and TLS, are joined through CLONE_CHILD_CLEARTID and futex, and a spin-wait progresses by preemption, as natively', () => {
    const exe = buildStatic('threads', [join(dir, 'threads.c')], ['-O1', '-nostdlib', '-ffreestanding', '-mgeneral-regs-only', `-I${dir}`]);
    const native = runNative(exe);
    const m = new Machine();
    m.load(readBinary(exe), { argv: ['threads'] });
    const r = m.run({ maxInsns: 200_000_000 });
    expect(native.status).toBe(6);
    expect(r).toMatchObject({ kind: 'exited', status: 6 });
    expect(m.stdoutText()).toBe(native.stdout.toString());
    expect(m.stdoutText()).toContain('counter_after_join=6000');
  });
});

maybe('process groups', () => {
  it('setpgid, getpgid, kill of a negative pid and wait4 by group match the host kernel', () => {
    const exe = buildStatic('pgroups', [join(dir, 'pgroups.c')], ['-O1', '-nostdlib', '-ffreestanding', '-mgeneral-regs-only', `-I${dir}`]);
    const native = runNative(exe);
    const m = new Machine();
    m.load(readBinary(exe), { argv: ['pgroups'] });
    expect(m.run({ maxInsns: 100_000_000 })).toMatchObject({ kind: 'exited', status: native.status });
    expect(native.status).toBe(8);
    expect(m.stdoutText()).toBe(native.stdout.toString());
    expect(m.stdoutText()).toContain('second reaped: killed by 15');
  });
});

maybe('what a forking test harness needs', () => {
  it('pidfd_open and poll with a timeout, WNOHANG, MAP_SHARED memory across fork and abort-style tkill match the host kernel', () => {
    const exe = buildStatic('pidfd', [join(dir, 'pidfd.c')], ['-O1', '-nostdlib', '-ffreestanding', '-mgeneral-regs-only', `-I${dir}`]);
    const native = runNative(exe);
    const m = new Machine();
    m.load(readBinary(exe), { argv: ['pidfd'] });
    const r = m.run({ maxInsns: 100_000_000 });
    expect(native.signal).toBe('SIGABRT');
    expect(r).toMatchObject({ kind: 'killed', signal: 6 });
    expect(m.stdoutText()).toBe(native.stdout.toString());
    expect(m.stdoutText()).toContain('shared_seen_by_parent=1234');
    expect(m.stdoutText()).toContain('poll_timeout_50ms=0');
  });
});

maybe('job control and waitid', () => {
  it('SIGSTOP/SIGCONT with WUNTRACED/WCONTINUED and waitid (CLD_* codes, WNOHANG, WNOWAIT, ECHILD) match the host kernel', () => {
    const exe = buildStatic('jobctl', [join(dir, 'jobctl.c')], ['-O1', '-nostdlib', '-ffreestanding', '-mgeneral-regs-only', `-I${dir}`]);
    const native = runNative(exe);
    const m = new Machine();
    m.load(readBinary(exe), { argv: ['jobctl'] });
    expect(m.run({ maxInsns: 50_000_000 })).toMatchObject({ kind: 'exited', status: native.status });
    expect(native.status).toBe(4);
    expect(m.stdoutText()).toBe(native.stdout.toString());
    expect(m.stdoutText()).toContain('stopped_word=4991');
  });
});

maybe('interrupted sleeps', () => {
  it('a handler makes a sleeping wait4 fail with EINTR, SA_RESTART restarts it, and poll returns EINTR either way, as on the host', () => {
    const exe = buildStatic('eintr', [join(dir, 'eintr.c')], ['-O1', '-nostdlib', '-ffreestanding', '-mgeneral-regs-only', `-I${dir}`]);
    const native = runNative(exe);
    const m = new Machine();
    m.load(readBinary(exe), { argv: ['eintr'] });
    expect(m.run({ maxInsns: 50_000_000 })).toMatchObject({ kind: 'exited', status: 0 });
    expect(m.stdoutText()).toBe(native.stdout.toString());
    expect(m.stdoutText()).toBe('wait4 no SA_RESTART: -4\nwait4 SA_RESTART: 1\npoll: -4\nhits=3\n');
  });
});

maybe('vfork', () => {
  it('the child borrows the parent\'s memory and runs first; the parent resumes when it exits, as on the host', () => {
    const exe = buildStatic('vfork', [join(dir, 'vfork.c')], ['-O1', '-nostdlib', '-ffreestanding', '-mgeneral-regs-only', `-I${dir}`]);
    const native = runNative(exe);
    const m = new Machine();
    m.load(readBinary(exe), { argv: ['vfork'] });
    expect(m.run({ maxInsns: 10_000_000 })).toMatchObject({ kind: 'exited', status: native.status });
    expect(m.stdoutText()).toBe(native.stdout.toString());
    expect(m.stdoutText()).toContain('write_seen=42');
  });
});

maybe('SUD is per thread', () => {
  const build = () => buildStatic('thread_sud', [join(dir, 'thread_sud.c')], ['-O1', '-nostdlib', '-ffreestanding', '-mgeneral-regs-only', `-I${dir}`]);

  it('a thread\'s config dispatches only its own syscalls, and a bad selector value kills the whole group, as on the host', () => {
    const exe = build();
    const native = runNative(exe);
    const m = new Machine();
    m.load(readBinary(exe), { argv: ['thread_sud'] });
    expect(native.signal).toBe('SIGSYS');
    expect(m.run({ maxInsns: 100_000_000 })).toMatchObject({ kind: 'killed', signal: 31 });
    expect(m.stdoutText()).toBe(native.stdout.toString());
    expect(m.stdoutText()).toBe('main_syscall_runs=1\nthread_dispatched=1\n');
  });

  it('patch-v5: a bad selector value ends only the calling thread (do_exit), expectation from SEMANTICS.md §2', () => {
    const m = new Machine({ profile: 'patch-v5' });
    m.load(readBinary(build()), { argv: ['thread_sud'] });
    expect(m.run({ maxInsns: 100_000_000 })).toMatchObject({ kind: 'exited', status: 0 });
    expect(m.stdoutText()).toContain('main_survives_thread_kill=1');
  });
});

maybe('a guest that can never wake', () => {
  it('reports a deadlock instead of hanging or throwing', () => {
    const src = `
      static int word;
      void _start(void) {
        long r;
        __asm__ volatile("syscall" : "=a"(r) : "a"(202), "D"(&word), "S"(0), "d"(0) : "rcx", "r11", "memory");
        for (;;) {}
      }`;
    const exe = buildStatic('deadlock', { 'deadlock.c': src }, ['-O1', '-nostdlib', '-ffreestanding', '-mgeneral-regs-only']);
    const m = new Machine();
    m.load(readBinary(exe));
    expect(m.run().kind).toBe('deadlock');
  });

  it('reports a deadlock when each process waits in the open of a FIFO no one else opens', () => {
    // never run natively: it would hang
    const src = `
      #include <fcntl.h>
      #include <sys/stat.h>
      #include <unistd.h>
      int main(void) {
        mkfifo("/tmp/a", 0600);
        mkfifo("/tmp/b", 0600);
        if (fork() == 0) return open("/tmp/a", O_WRONLY) < 0;
        return open("/tmp/b", O_RDONLY) < 0;
      }`;
    const exe = buildStatic('fifo-deadlock', { 'fifo-deadlock.c': src }, ['-O1']);
    const m = new Machine();
    m.load(readBinary(exe));
    expect(m.run().kind).toBe('deadlock');
  });
});
