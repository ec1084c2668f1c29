/* The machine's CPUs as a program counts them (the C library's sysconf,
 * get_nprocs, sched_getaffinity; /sys/devices/system/cpu) and where it
 * runs (getcpu through the C library and the raw syscall,
 * /proc/self/stat's processor) after it pins itself, in itself and in a
 * forked child. Built with musl and with glibc; run with the machine's CPUs
 * set to the host's, its output is the host's. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <sys/sysinfo.h>
#endif

static void show_file(const char *path)
{
	char buf[256];
	FILE *f = fopen(path, "r");
	if (!f) {
		printf("%s: %s\n", path, strerror(errno));
		return;
	}
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	printf("%s: %s", path, buf);
}

/* The Cpus_allowed lines of /proc/self/status, and stat's field 39 (the CPU last run on). */
static void show_proc(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, "Cpus_allowed", 12))
			fputs(line, stdout);
	if (f)
		fclose(f);
	f = fopen("/proc/self/stat", "r");
	if (f && fgets(line, sizeof line, f)) {
		char *p = strrchr(line, ')') + 2;
		for (int field = 3; field < 39; field++)
			p = strchr(p, ' ') + 1;
		printf("processor %d\n", atoi(p));
	}
	if (f)
		fclose(f);
}

static void show_affinity(const char *who)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof set, &set) != 0) {
		printf("%s: sched_getaffinity: %s\n", who, strerror(errno));
		return;
	}
	printf("%s: CPU_COUNT %d, cpus", who, CPU_COUNT(&set));
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set))
			printf(" %d", c);
	printf("\n");
}

static void show_cpu(const char *who)
{
	unsigned cpu = 99, node = 99;
	long r = syscall(SYS_getcpu, &cpu, &node, 0);
	printf("%s: sched_getcpu %d, getcpu syscall %ld cpu %u node %u\n", who, sched_getcpu(), r, cpu, node);
}

static void pin(int cpu)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	int r = sched_setaffinity(0, sizeof set, &set);
	printf("pin to %d: %d %s\n", cpu, r, r ? strerror(errno) : "");
}

int main(void)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	printf("_SC_NPROCESSORS_ONLN %ld\n", online);
	printf("_SC_NPROCESSORS_CONF %ld\n", sysconf(_SC_NPROCESSORS_CONF));
#ifdef __GLIBC__
	printf("get_nprocs %d, get_nprocs_conf %d\n", get_nprocs(), get_nprocs_conf());
#endif
	show_file("/sys/devices/system/cpu/online");
	show_file("/sys/devices/system/cpu/possible");
	show_file("/sys/devices/system/cpu/present");
	show_affinity("start");

	/* the raw call with one long: the bytes written, and the mask */
	unsigned long word = 0;
	long n = syscall(SYS_sched_getaffinity, 0, sizeof word, &word);
	printf("raw getaffinity: %ld, %#lx\n", n, word);
	n = syscall(SYS_sched_getaffinity, 0, 4, &word);
	printf("raw getaffinity of 4 bytes: %ld %s\n", n, n < 0 ? strerror(errno) : "");

	/* a CPU past the online ones is no CPU to run on */
	cpu_set_t none;
	CPU_ZERO(&none);
	CPU_SET((int)online, &none);
	printf("pin to %ld: %d %s\n", online, sched_setaffinity(0, sizeof none, &none), strerror(errno));

	pin(0);
	show_affinity("pinned to 0");
	show_cpu("pinned to 0");
	show_proc();

	int last = (int)online - 1;
	pin(last);
	show_affinity("pinned to last");
	show_cpu("pinned to last");
	show_proc();

	fflush(stdout);
	pid_t child = fork();
	if (child == 0) {
		show_affinity("child");
		show_cpu("child");
		show_proc();
		fflush(stdout);
		_exit(0);
	}
	int status;
	waitpid(child, &status, 0);
	printf("child status %#x\n", status);

	/* every CPU again: the mask is back, whichever CPU the kernel leaves it on */
	cpu_set_t all;
	CPU_ZERO(&all);
	for (int c = 0; c < online; c++)
		CPU_SET(c, &all);
	printf("unpin: %d\n", sched_setaffinity(0, sizeof all, &all));
	show_affinity("unpinned");
	return 0;
}
