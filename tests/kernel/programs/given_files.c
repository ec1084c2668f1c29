/* The machine's file tree over a file it was given (at /data/given.txt): read, then written
 * (the given bytes copied, never changed), and what open, access and readlink say of paths
 * it does not have. */
#include "sys.h"

#define O_WRONLY 01
#define O_RDWR 02
#define O_CREAT 0100
#define O_TRUNC 01000
#define AT_FDCWD -100

void _start(void) {
  const char *given = "/data/given.txt";
  char buf[64];
  i64 fd = sc3(2, given, 0, 0);
  kv("open_given", fd >= 0);
  i64 n = sc3(0, fd, buf, sizeof buf);
  kv("read_given", n);
  out("first_bytes=");
  PRINT_SYSCALL3(1, 1, buf, n > 5 ? 5 : (n > 0 ? n : 0));
  out("\n");
  i64 w = sc3(2, given, O_WRONLY, 0);
  kv("open_given_wronly", w >= 0);
  kv("write_given", sc3(1, w, "HELLO", 5));
  i64 again = sc3(2, given, 0, 0);
  n = sc3(0, again, buf, sizeof buf);
  kv("read_given_again", n);
  out("first_bytes_now=");
  PRINT_SYSCALL3(1, 1, buf, n > 7 ? 7 : (n > 0 ? n : 0));
  out("\n");
  kv("open_given_trunc_wronly", sc3(2, given, O_TRUNC | O_WRONLY, 0) >= 0);
  kv("read_truncated", sc3(0, sc3(2, given, 0, 0), buf, sizeof buf));
  kv("open_given_creat_rdonly", sc3(2, given, O_CREAT, 0644) >= 0);
  kv("open_new_creat", sc3(2, "/data/new", O_CREAT | O_WRONLY, 0644) >= 0);
  kv("open_new_in_missing_dir", sc3(2, "/missing/new", O_CREAT | O_WRONLY, 0644));
  kv("openat_new_creat", sc6(257, AT_FDCWD, "new", O_CREAT | O_RDWR, 0644, 0, 0) >= 0);
  kv("open_exe_wronly", sc3(2, "/proc/self/exe", O_WRONLY, 0));
  kv("open_in_proc_creat", sc3(2, "/proc/new", O_CREAT | O_WRONLY, 0644));
  kv("access_given_w", sc2(21, given, 2));
  kv("access_given_rx", sc2(21, given, 5));
  kv("access_dir_above", sc2(21, "/data", 1));
  kv("open_dir_rdwr", sc3(2, "/data", O_RDWR, 0));
  kv("readlink_exe_len_positive", sc3(89, "/proc/self/exe", buf, sizeof buf) > 0);
  quit(0);
}
