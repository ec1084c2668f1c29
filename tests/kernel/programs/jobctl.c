/* Job control and waitid: SIGSTOP stops a child (WUNTRACED), SIGCONT resumes
 * it (WCONTINUED), waitid reports CLD_* codes, WNOHANG, WNOWAIT and ECHILD. */
#include "sys.h"
struct si { int signo, errno_, code, pad; int pid; unsigned uid; int status; int rest[25]; };
void _start(void) {
  int st;
  /* shared with the child: it exits only after the parent has seen it continue,
   * otherwise the exit can overtake the continued event on a busy host */
  volatile int *go = (volatile int *)sc6(9, 0, 4096, 3, 0x01 | 0x20, -1, 0);
  i64 pid = sc0(57);
  if (pid == 0) {
    sc2(62, sc0(39), 19);     /* stop ourselves */
    while (!*go) __asm__ volatile("pause");
    quit(5);
  }
  kv("wait_untraced", sc6(61, pid, (i64)&st, 2, 0, 0, 0) == pid);
  kv("stopped_word", st);
  struct si info = {0};
  kv("waitid_nohang_running", sc6(247, 1, pid, (i64)&info, 4 | 1, 0, 0));
  kv("waitid_nohang_pid", info.pid);
  kv("cont", sc2(62, pid, 18));
  kv("wait_continued", sc6(61, pid, (i64)&st, 8, 0, 0, 0) == pid);
  kv("continued_word", st);
  *go = 1;
  kv("waitid_nowait", sc6(247, 1, pid, (i64)&info, 4 | 0x01000000, 0, 0));
  kv("nowait_code", info.code); kv("nowait_status", info.status); kv("nowait_pid_ok", info.pid == pid);
  kv("waitid_exited", sc6(247, 1, pid, (i64)&info, 4, 0, 0));
  kv("code", info.code); kv("status", info.status); kv("signo", info.signo);
  kv("waitid_echild", sc6(247, 0, 0, (i64)&info, 4, 0, 0));
  kv("waitid_bad_options", sc6(247, 0, 0, (i64)&info, 0, 0, 0));
  quit(4);
}
