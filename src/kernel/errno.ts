/** Linux errno values (asm-generic/errno-base.h, errno.h) and strace's descriptions. */
export const EPERM = 1;
export const ENOENT = 2;
export const ESRCH = 3;
export const EINTR = 4;
export const EIO = 5;
export const ENXIO = 6;
export const E2BIG = 7;
export const ENOEXEC = 8;
export const EBADF = 9;
export const ECHILD = 10;
export const EAGAIN = 11;
export const ENOMEM = 12;
export const EACCES = 13;
export const EFAULT = 14;
export const EBUSY = 16;
export const EEXIST = 17;
export const ENODEV = 19;
export const ENOTDIR = 20;
export const EISDIR = 21;
export const EINVAL = 22;
export const EMFILE = 24;
export const ENOTTY = 25;
export const ENOSPC = 28;
export const ESPIPE = 29;
export const EROFS = 30;
export const EPIPE = 32;
export const ERANGE = 34;
export const ENAMETOOLONG = 36;
export const ENOSYS = 38;
export const ELOOP = 40;
export const ELIBBAD = 80;
export const ETIMEDOUT = 110;

export const ERRNO_NAMES: Record<number, [string, string]> = {
  1: ['EPERM', 'Operation not permitted'],
  2: ['ENOENT', 'No such file or directory'],
  3: ['ESRCH', 'No such process'],
  4: ['EINTR', 'Interrupted system call'],
  5: ['EIO', 'Input/output error'],
  6: ['ENXIO', 'No such device or address'],
  7: ['E2BIG', 'Argument list too long'],
  8: ['ENOEXEC', 'Exec format error'],
  9: ['EBADF', 'Bad file descriptor'],
  10: ['ECHILD', 'No child processes'],
  11: ['EAGAIN', 'Resource temporarily unavailable'],
  12: ['ENOMEM', 'Cannot allocate memory'],
  13: ['EACCES', 'Permission denied'],
  14: ['EFAULT', 'Bad address'],
  16: ['EBUSY', 'Device or resource busy'],
  17: ['EEXIST', 'File exists'],
  19: ['ENODEV', 'No such device'],
  20: ['ENOTDIR', 'Not a directory'],
  21: ['EISDIR', 'Is a directory'],
  22: ['EINVAL', 'Invalid argument'],
  24: ['EMFILE', 'Too many open files'],
  25: ['ENOTTY', 'Inappropriate ioctl for device'],
  28: ['ENOSPC', 'No space left on device'],
  29: ['ESPIPE', 'Illegal seek'],
  30: ['EROFS', 'Read-only file system'],
  32: ['EPIPE', 'Broken pipe'],
  34: ['ERANGE', 'Numerical result out of range'],
  36: ['ENAMETOOLONG', 'File name too long'],
  38: ['ENOSYS', 'Function not implemented'],
  40: ['ELOOP', 'Too many levels of symbolic links'],
  80: ['ELIBBAD', 'Accessing a corrupted shared library'],
  110: ['ETIMEDOUT', 'Connection timed out'],
};

const ErrorCtor = Error as ErrorConstructor & { captureStackTrace?: (target: object, ctor?: Function) => void };

/**
 * An error a kernel path raises to return -errno to the guest. A plain
 * Errno is control flow, caught by the syscall path, and is made without
 * Error's constructor: V8's Error() costs microseconds with its stack trace
 * and still hundreds of ns without. It is an Error all the same (instanceof
 * Error, name, message; `stack` reads "Error: <message>"). Subclasses that
 * reach the host (ElfError) capture a real stack trace.
 */
/** The errno a name (a host error's code, "EPIPE") stands for, if it is one of those above. */
export function errnoNamed(name: string | undefined): number | undefined {
  for (const [nr, [n]] of Object.entries(ERRNO_NAMES)) if (n === name) return Number(nr);
  return undefined;
}

export interface Errno extends Error {}
export class Errno {
  readonly errno: number;
  message: string;

  constructor(errno: number, message?: string) {
    this.errno = errno;
    this.message = message ?? ERRNO_NAMES[errno]?.[1] ?? `errno ${errno}`;
    if (new.target !== Errno) ErrorCtor.captureStackTrace?.(this, new.target);
  }
}
Object.setPrototypeOf(Errno.prototype, Error.prototype);
Object.defineProperty(Errno.prototype, 'stack', {
  configurable: true,
  get(this: Errno): string {
    return `${this.name}: ${this.message}`;
  },
});
