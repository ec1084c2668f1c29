/* /proc and /sys as programs read them: the links self and thread-self, a process's directory
 * (stat's 52 fields and their relations to getpid, getppid, the process group and session, the
 * thread count; status's and limits' keys; statm; environ and cmdline as in memory; auxv; comm
 * renamed by PR_SET_NAME and by a write; oom_score_adj; fd links and fdinfo), a forked child's
 * directory while it runs, as a zombie and gone once reaped, the mounts both machines have
 * (/, /proc, /sys and /dev/shm: the host's /dev is devtmpfs and it has no /tmp mount), the
 * system-wide files' shapes and their agreement with uname, sysinfo and sysconf, modes and
 * sizes as stat reports them, and the errors writes get. Values that differ between machines
 * (CPU model, memory size, mount ids) are compared to each other, not printed. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include "show.h"

extern char **environ;

/* the whole of a file (at most 64 KiB), NUL-terminated; its length in *n */
static char *slurp(const char *path, ssize_t *n) {
  static char buf[65536];
  int fd = open(path, O_RDONLY);
  *n = -1;
  if (fd < 0) return NULL;
  ssize_t got, total = 0;
  while ((got = read(fd, buf + total, sizeof buf - 1 - total)) > 0) total += got;
  close(fd);
  buf[total] = 0;
  *n = total;
  return buf;
}

/* the fields of a stat line, comm's parentheses kept whole */
static int stat_fields(const char *path, char f[64][64]) {
  ssize_t n;
  char *s = slurp(path, &n);
  if (!s) return -1;
  int count = 0;
  char *p = s;
  while (*p && *p != '\n' && count < 64) {
    char *end = *p == '(' ? strrchr(p, ')') + 1 : p + strcspn(p, " \n");
    snprintf(f[count++], 64, "%.*s", (int)(end - p), p);
    p = end;
    while (*p == ' ') p++;
  }
  return count;
}

/* whether a "Key:" line is in the file */
static int has_key(const char *path, const char *key) {
  ssize_t n;
  char *s = slurp(path, &n);
  if (!s) return 0;
  char want[64];
  snprintf(want, sizeof want, "%s:", key);
  for (char *line = s; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
    if (!strncmp(line, want, strlen(want))) return 1;
  return 0;
}

static long key_value(const char *path, const char *key) {
  ssize_t n;
  char *s = slurp(path, &n);
  char want[64];
  snprintf(want, sizeof want, "\n%s:", key);
  char *at = strstr(s, want);
  if (!at && !strncmp(s, want + 1, strlen(want + 1))) at = s - 1;
  return at ? atol(at + strlen(want)) : -1;
}

static int lines_of(const char *s) {
  int n = 0;
  for (; *s; s++) n += *s == '\n';
  return n;
}

static int listed(const char *dir, const char *name) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  struct dirent *e;
  int found = 0;
  while ((e = readdir(d))) found |= !strcmp(e->d_name, name);
  closedir(d);
  return found;
}

static int count_entries(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return -1;
  struct dirent *e;
  int n = 0;
  while ((e = readdir(d))) n += e->d_name[0] != '.';
  closedir(d);
  return n;
}

static void *idle(void *arg) {
  (void)arg;
  pause();
  return NULL;
}

static void mode_of(const char *path) {
  struct stat st;
  if (lstat(path, &st) < 0) {
    printf("%s: lstat errno %d\n", path, errno);
    return;
  }
  printf("%s: mode %o size %ld\n", path, st.st_mode, S_ISREG(st.st_mode) ? (long)st.st_size : 0L);
}

/* the mount point's type in /proc/self/mounts, and whether mountinfo's id for it is statx's */
static void mount_of(const char *point) {
  ssize_t n;
  char *s = slurp("/proc/self/mounts", &n);
  char type[64] = "(absent)", src[256], at[256], t[64];
  for (char *line = s; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
    if (sscanf(line, "%255s %255s %63s", src, at, t) == 3 && !strcmp(at, point)) strcpy(type, t);
  s = slurp("/proc/self/mountinfo", &n);
  int id = -1, parent, found = 0;
  for (char *line = s; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
    char root[256];
    unsigned maj, min;
    if (sscanf(line, "%d %d %u:%u %255s %255s", &id, &parent, &maj, &min, root, at) == 6 && !strcmp(at, point) && strstr(line, " - ")) {
      found = id;
    }
  }
  unsigned char stx[256];
  memset(stx, 0, sizeof stx);
  long r = syscall(SYS_statx, AT_FDCWD, point, 0, 0x1000 /* STATX_MNT_ID */, stx);
  unsigned long long mnt_id;
  memcpy(&mnt_id, stx + 144, 8);
  printf("mount %s: %s, mountinfo id is statx's %d\n", point, type, r == 0 && found > 0 && (unsigned long long)found == mnt_id);
}

int main(int argc, char **argv) {
  (void)argc;
  setvbuf(stdout, NULL, _IONBF, 0);
  char path[128], target[128], want[128];
  ssize_t n;

  /* the links */
  n = readlink("/proc/self", target, sizeof target - 1);
  target[n < 0 ? 0 : n] = 0;
  snprintf(want, sizeof want, "%d", getpid());
  printf("self is the pid %d\n", !strcmp(target, want));
  n = readlink("/proc/thread-self", target, sizeof target - 1);
  target[n < 0 ? 0 : n] = 0;
  snprintf(want, sizeof want, "%d/task/%d", getpid(), (int)syscall(SYS_gettid));
  printf("thread-self is pid/task/tid %d\n", !strcmp(target, want));
  n = readlink("/proc/mounts", target, sizeof target - 1);
  target[n < 0 ? 0 : n] = 0;
  printf("mounts -> %s\n", target);
  printf("self listed in /proc %d\n", listed("/proc", want) || listed("/proc", (snprintf(want, sizeof want, "%d", getpid()), want)));
  n = readlink("/proc/self/cwd", target, sizeof target - 1);
  target[n < 0 ? 0 : n] = 0;
  char cwd[128];
  printf("cwd is getcwd %d\n", !strcmp(target, getcwd(cwd, sizeof cwd)));
  n = readlink("/proc/self/root", target, sizeof target - 1);
  target[n < 0 ? 0 : n] = 0;
  printf("root -> %s\n", target);

  /* stat */
  static char f[64][64];
  int count = stat_fields("/proc/self/stat", f);
  printf("stat fields %d\n", count);
  printf("pid %d state %s ppid %d pgrp %d session %d tty %s tpgid %s\n", atoi(f[0]) == getpid(), f[2], atoi(f[3]) == getppid(),
         atoi(f[4]) == getpgrp(), atoi(f[5]) == getsid(0), f[6], f[7]);
  printf("priority %s nice %s threads %s exit_signal %s\n", f[17], f[18], f[19], f[37]);
  char name[16] = {0};
  prctl(PR_GET_NAME, name);
  snprintf(want, sizeof want, "(%s)", name);
  printf("comm is PR_GET_NAME %d\n", !strcmp(f[1], want));
  printf("arg_start..arg_end is cmdline %d\n", strtoull(f[48], NULL, 10) - strtoull(f[47], NULL, 10) == strlen(argv[0]) + 1);
  printf("statm fields %d\n", (int)(slurp("/proc/self/statm", &n) ? sscanf(slurp("/proc/self/statm", &n), "%*d %*d %*d %*d %*d %*d %*d") + 7 : 0));

  /* status and limits */
  const char *keys[] = {"Name", "Umask", "State", "Tgid", "Pid", "PPid", "TracerPid", "Uid", "Gid", "FDSize", "Groups", "NStgid", "NSpid",
                        "VmPeak", "VmSize", "VmRSS", "VmData", "VmStk", "VmExe", "Threads", "SigQ", "SigPnd", "ShdPnd", "SigBlk",
                        "SigIgn", "SigCgt", "CapEff", "NoNewPrivs", "Seccomp", "Cpus_allowed_list"};
  int have = 0;
  for (unsigned i = 0; i < sizeof keys / sizeof *keys; i++) have += has_key("/proc/self/status", keys[i]);
  printf("status keys %d of %d\n", have, (int)(sizeof keys / sizeof *keys));
  char *lim = slurp("/proc/self/limits", &n);
  printf("limits lines %d\n", lines_of(lim));
  /* each resource's name and unit (the values are the machines' own) */
  for (char *line = lim; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
    char *nl = strchr(line, '\n');
    printf("  %.25s[%.*s]\n", line, nl && nl - line > 68 ? (int)(nl - line - 68) : 0, line + 68);
  }

  /* the strings in memory */
  char *env = slurp("/proc/self/environ", &n);
  int same = 1;
  char *p = env;
  for (char **e = environ; *e; e++) {
    same &= !strcmp(p, *e);
    p += strlen(p) + 1;
  }
  printf("environ is environ %d\n", same && p == env + n);
  char *cmd = slurp("/proc/self/cmdline", &n);
  printf("cmdline is argv[0] %d\n", !strcmp(cmd, argv[0]) && n == (ssize_t)strlen(argv[0]) + 1);
  unsigned long *aux = (unsigned long *)slurp("/proc/self/auxv", &n);
  unsigned long pagesz = 0, entry = 0;
  for (int i = 0; i + 1 < n / 8; i += 2) {
    if (aux[i] == AT_PAGESZ) pagesz = aux[i + 1];
    if (aux[i] == AT_ENTRY) entry = aux[i + 1];
  }
  printf("auxv AT_PAGESZ %lu, AT_ENTRY is getauxval's %d, ends with AT_NULL %d\n", pagesz, entry == getauxval(AT_ENTRY),
         n >= 16 && aux[n / 8 - 2] == 0);

  /* comm */
  prctl(PR_SET_NAME, "renamed");
  printf("comm after PR_SET_NAME: %s", slurp("/proc/self/comm", &n));
  int fd = open("/proc/self/comm", O_WRONLY);
  SHOW(write(fd, "written-name-is-long", 20));
  close(fd);
  prctl(PR_GET_NAME, name);
  printf("PR_GET_NAME after the write: %s\n", name);

  /* oom_score_adj */
  printf("oom_score_adj %s", slurp("/proc/self/oom_score_adj", &n));
  fd = open("/proc/self/oom_score_adj", O_WRONLY);
  SHOW(write(fd, "5000", 4));
  SHOW(write(fd, "abc", 3));
  SHOW(write(fd, "100\n", 4));
  close(fd);
  printf("oom_score_adj now %s", slurp("/proc/self/oom_score_adj", &n));

  /* threads */
  pthread_t th;
  pthread_create(&th, NULL, idle, NULL);
  stat_fields("/proc/self/stat", f);
  printf("threads after pthread_create %s, task entries %d\n", f[19], count_entries("/proc/self/task"));

  /* descriptors */
  fd = open("/tmp", O_RDONLY | O_DIRECTORY);
  int file = openat(fd, "procfs-test", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  close(fd);
  write(file, "hello", 5);
  snprintf(path, sizeof path, "/proc/self/fd/%d", file);
  n = readlink(path, target, sizeof target - 1);
  target[n < 0 ? 0 : n] = 0;
  printf("fd link -> %s\n", target);
  mode_of(path);
  snprintf(path, sizeof path, "/proc/self/fdinfo/%d", file);
  char *info = slurp(path, &n);
  long pos = -1, flags = -1, mnt = -1, ino = -1;
  sscanf(info, "pos:\t%ld\nflags:\t%lo\nmnt_id:\t%ld\nino:\t%ld", &pos, &flags, &mnt, &ino);
  struct stat st;
  fstat(file, &st);
  unsigned char stx[256];
  syscall(SYS_statx, file, "", 0x1000 /* AT_EMPTY_PATH */, 0x1000, stx);
  unsigned long long mnt_id;
  memcpy(&mnt_id, stx + 144, 8);
  printf("fdinfo pos %ld flags 0%lo, mnt_id is statx's %d, ino is st_ino %d\n", pos, flags, (unsigned long long)mnt == mnt_id,
         (unsigned long)ino == (unsigned long)st.st_ino);
  close(file);
  unlink("/tmp/procfs-test");

  /* a child: its directory while it runs, as a zombie, and after wait */
  int go[2];
  pipe(go);
  pid_t child = fork();
  if (child == 0) {
    char c;
    read(go[0], &c, 1);
    _exit(3);
  }
  snprintf(path, sizeof path, "/proc/%d/stat", child);
  stat_fields(path, f);
  printf("child: ppid is us %d\n", atoi(f[3]) == getpid());
  snprintf(want, sizeof want, "%d", child);
  printf("child listed %d\n", listed("/proc", want));
  write(go[1], "x", 1);
  siginfo_t si;
  waitid(P_PID, child, &si, WEXITED | WNOWAIT);
  stat_fields(path, f);
  printf("zombie: state %s exit_code %s\n", f[2], f[51]);
  waitpid(child, NULL, 0);
  snprintf(path, sizeof path, "/proc/%d", child);
  SHOW(access(path, F_OK));
  printf("child listed after wait %d\n", listed("/proc", want));

  /* the machine's mounts that both have */
  mount_of("/");
  mount_of("/proc");
  mount_of("/sys");
  mount_of("/dev/shm");

  /* system-wide files */
  struct utsname u;
  uname(&u);
  char *s = slurp("/proc/sys/kernel/osrelease", &n);
  printf("osrelease is uname's %d\n", !strncmp(s, u.release, strlen(u.release)) && s[strlen(u.release)] == '\n');
  s = slurp("/proc/sys/kernel/ostype", &n);
  printf("ostype %s", s);
  s = slurp("/proc/sys/kernel/hostname", &n);
  printf("hostname is uname's %d\n", !strncmp(s, u.nodename, strlen(u.nodename)) && s[strlen(u.nodename)] == '\n');
  s = slurp("/proc/sys/kernel/domainname", &n);
  printf("domainname is uname's %d\n", !strncmp(s, u.domainname, strlen(u.domainname)) && s[strlen(u.domainname)] == '\n');
  s = slurp("/proc/sys/kernel/version", &n);
  printf("version is uname's %d\n", !strncmp(s, u.version, strlen(u.version)) && s[strlen(u.version)] == '\n');
  s = slurp("/proc/version", &n);
  snprintf(want, sizeof want, "Linux version %s ", u.release);
  printf("/proc/version names the release %d\n", !strncmp(s, want, strlen(want)));
  printf("pid_max %s", slurp("/proc/sys/kernel/pid_max", &n));
  printf("overcommit_memory %s", slurp("/proc/sys/vm/overcommit_memory", &n));
  printf("pipe-max-size %s", slurp("/proc/sys/fs/pipe-max-size", &n));
  struct sysinfo si2;
  sysinfo(&si2);
  printf("MemTotal is sysinfo's totalram %d\n", key_value("/proc/meminfo", "MemTotal") * 1024 == (long)(si2.totalram * si2.mem_unit));
  const char *mkeys[] = {"MemTotal", "MemFree", "MemAvailable", "Cached", "SwapTotal", "AnonPages", "Shmem", "CommitLimit", "Committed_AS",
                         "VmallocTotal", "HugePages_Total", "Hugepagesize"};
  have = 0;
  for (unsigned i = 0; i < sizeof mkeys / sizeof *mkeys; i++) have += has_key("/proc/meminfo", mkeys[i]);
  printf("meminfo keys %d of %d\n", have, (int)(sizeof mkeys / sizeof *mkeys));
  s = slurp("/proc/stat", &n);
  unsigned long long c[10];
  printf("stat's cpu line fields %d\n", sscanf(s, "cpu  %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", c, c + 1, c + 2, c + 3, c + 4, c + 5, c + 6, c + 7, c + 8, c + 9));
  printf("stat has cpu0 %d btime %d processes %d procs_running %d\n", strstr(s, "\ncpu0 ") != NULL, strstr(s, "\nbtime ") != NULL,
         strstr(s, "\nprocesses ") != NULL, strstr(s, "\nprocs_running ") != NULL);
  double up, idle_s;
  printf("uptime fields %d\n", sscanf(slurp("/proc/uptime", &n), "%lf %lf", &up, &idle_s));
  double l1, l5, l15;
  int running, total, last;
  printf("loadavg fields %d\n", sscanf(slurp("/proc/loadavg", &n), "%lf %lf %lf %d/%d %d", &l1, &l5, &l15, &running, &total, &last));
  s = slurp("/proc/filesystems", &n);
  printf("filesystems: proc %d tmpfs %d sysfs %d ext4 %d\n", strstr(s, "nodev\tproc\n") != NULL, strstr(s, "nodev\ttmpfs\n") != NULL,
         strstr(s, "nodev\tsysfs\n") != NULL, strstr(s, "\text4\n") != NULL);
  s = slurp("/proc/cpuinfo", &n);
  int processors = 0;
  for (char *q = s; (q = strstr(q, "processor\t: ")); q++) processors++;
  printf("cpuinfo processors are sysconf's %d, has fpu and sse2 %d\n", processors == sysconf(_SC_NPROCESSORS_CONF),
         strstr(s, " fpu ") != NULL && strstr(s, " sse2") != NULL);
  cpu_set_t set;
  sched_getaffinity(0, sizeof set, &set);
  printf("online CPUs are the affinity's %d\n", sysconf(_SC_NPROCESSORS_ONLN) == CPU_COUNT(&set));
  s = slurp("/sys/devices/system/cpu/online", &n);
  printf("cpu/online starts with 0 %d\n", s[0] == '0');

  /* modes and sizes */
  mode_of("/proc");
  mode_of("/proc/self");
  mode_of("/proc/self/");
  mode_of("/proc/self/stat");
  mode_of("/proc/self/comm");
  mode_of("/proc/self/environ");
  mode_of("/proc/self/auxv");
  mode_of("/proc/self/fd");
  mode_of("/proc/self/fdinfo");
  mode_of("/proc/self/task");
  mode_of("/proc/self/exe");
  mode_of("/proc/cpuinfo");
  mode_of("/proc/sys/kernel");
  mode_of("/proc/sys/kernel/hostname");
  mode_of("/proc/sys/kernel/osrelease");
  mode_of("/sys/devices/system/cpu/online");
  mode_of("/sys/devices/system/cpu/cpu0");

  /* writes */
  fd = open("/proc/self/stat", O_WRONLY);
  SHOW(fd >= 0);
  SHOW(write(fd, "x", 1));
  close(fd);
  fd = open("/proc/cpuinfo", O_WRONLY);
  SHOW(write(fd, "x", 1));
  close(fd);
  SHOW(open("/proc/sys/kernel/osrelease", O_WRONLY));
  SHOW(open("/sys/devices/system/cpu/online", O_WRONLY));
  SHOW(mkdir("/proc/self/new", 0755));
  SHOW(unlink("/proc/self/stat"));
  SHOW(open("/proc/self/nonexistent", O_RDONLY));
  SHOW(open("/proc/self/fd/99", O_RDONLY));
  return 0;
}
