/*
 * The machine's vDSO (linux-vdso.so.1): what glibc and musl call instead of
 * the clock_gettime, gettimeofday, time, clock_getres and getcpu syscalls.
 * Being plain user code, no `syscall` instruction runs for the clocks it
 * serves, so Syscall User Dispatch never sees those calls, as on Linux.
 *
 * Time is the CPU's time stamp counter, which the engine keeps in virtual
 * nanoseconds (docs/cpuid.md), plus a per-clock offset the kernel writes
 * into the [vvar] page (src/kernel/vvar.ts, which owns the layout below).
 * Clocks it does not serve go to the kernel with a real syscall, again as
 * Linux's vDSO does.
 *
 * Freestanding: no libc, position-independent, no relocations (the image is
 * mapped as is, never relocated). Built by scripts/gen-vdso.sh.
 */

typedef long long s64;
typedef unsigned long long u64;
typedef unsigned int u32;

struct timespec64 { s64 tv_sec; s64 tv_nsec; };
struct timeval64 { s64 tv_sec; s64 tv_usec; };
struct timezone32 { int tz_minuteswest; int tz_dsttime; };

#define VVAR_CLOCKS 16

/* The [vvar] page's first bytes (src/kernel/vvar.ts writes them). */
struct vvar_data {
	u32 served;              /* bit n: clock id n is served here */
	u32 pad;
	s64 offset[VVAR_CLOCKS]; /* ns added to the TSC for clock id n */
	s64 res[VVAR_CLOCKS];    /* clock_getres's answer for clock id n, in ns */
	struct timezone32 tz;    /* what gettimeofday reports for its second argument */
};

#define NSEC_PER_SEC 1000000000LL
#define NSEC_PER_USEC 1000LL
#define CLOCK_REALTIME 0
#define VVAR_DISTANCE (6 * 4096) /* [vvar] (4 pages) and [vvar_vclock] (2 pages) precede the image */

#define SYS_gettimeofday 96
#define SYS_time 201
#define SYS_clock_gettime 228
#define SYS_clock_getres 229
#define SYS_getcpu 309

/* The image's own first byte: the linker places it at the start of the mapping. */
extern const char __ehdr_start[] __attribute__((visibility("hidden")));

static inline const volatile struct vvar_data *vvar(void)
{
	return (const volatile struct vvar_data *)((unsigned long)__ehdr_start - VVAR_DISTANCE);
}

static inline u64 tsc(void)
{
	u32 lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

static inline long syscall2(long nr, long a, long b)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b) : "rcx", "r11", "memory");
	return ret;
}

static inline long syscall3(long nr, long a, long b, long c)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return ret;
}

static inline int served(int clock)
{
	/* negative ids are CPU-time and dynamic clocks: only the kernel knows those */
	return clock >= 0 && clock < VVAR_CLOCKS && (vvar()->served >> clock & 1);
}

static inline s64 clock_ns(int clock)
{
	return (s64)tsc() + vvar()->offset[clock];
}

int __vdso_clock_gettime(int clock, struct timespec64 *ts)
{
	if (!served(clock))
		return syscall2(SYS_clock_gettime, clock, (long)ts);
	s64 ns = clock_ns(clock);
	ts->tv_sec = ns / NSEC_PER_SEC;
	ts->tv_nsec = ns % NSEC_PER_SEC;
	return 0;
}

int __vdso_gettimeofday(struct timeval64 *tv, struct timezone32 *tz)
{
	if (!served(CLOCK_REALTIME))
		return syscall2(SYS_gettimeofday, (long)tv, (long)tz);
	if (tv) {
		s64 ns = clock_ns(CLOCK_REALTIME);
		tv->tv_sec = ns / NSEC_PER_SEC;
		tv->tv_usec = ns % NSEC_PER_SEC / NSEC_PER_USEC;
	}
	if (tz) {
		tz->tz_minuteswest = vvar()->tz.tz_minuteswest;
		tz->tz_dsttime = vvar()->tz.tz_dsttime;
	}
	return 0;
}

s64 __vdso_time(s64 *t)
{
	if (!served(CLOCK_REALTIME))
		return syscall2(SYS_time, (long)t, 0);
	s64 s = clock_ns(CLOCK_REALTIME) / NSEC_PER_SEC;
	if (t)
		*t = s;
	return s;
}

int __vdso_clock_getres(int clock, struct timespec64 *res)
{
	if (!served(clock))
		return syscall2(SYS_clock_getres, clock, (long)res);
	if (res) {
		s64 ns = vvar()->res[clock];
		res->tv_sec = ns / NSEC_PER_SEC;
		res->tv_nsec = ns % NSEC_PER_SEC;
	}
	return 0;
}

/* TSC_AUX, which rdtscp reads, holds the CPU in its low 12 bits and the node above, as Linux sets it. */
int __vdso_getcpu(unsigned *cpu, unsigned *node, void *unused)
{
	u32 lo, hi, aux;
	(void)unused;
	__asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
	if (cpu)
		*cpu = aux & 0xfff;
	if (node)
		*node = aux >> 12;
	return 0;
}

int clock_gettime(int, struct timespec64 *) __attribute__((weak, alias("__vdso_clock_gettime")));
int gettimeofday(struct timeval64 *, struct timezone32 *) __attribute__((weak, alias("__vdso_gettimeofday")));
s64 time(s64 *) __attribute__((weak, alias("__vdso_time")));
int clock_getres(int, struct timespec64 *) __attribute__((weak, alias("__vdso_clock_getres")));
int getcpu(unsigned *, unsigned *, void *) __attribute__((weak, alias("__vdso_getcpu")));
