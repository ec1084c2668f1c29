/* socketpair: a stream pair between a parent and a child (both directions, end of file when the
 * peer closes or shuts down its writing), a datagram pair keeping message boundaries (a message
 * cut short with MSG_TRUNC), a seqpacket pair, MSG_PEEK, MSG_DONTWAIT, MSG_WAITALL, sendmsg and
 * recvmsg with several vectors, EPIPE (SIGPIPE unless MSG_NOSIGNAL), poll, getsockopt,
 * getpeername, fstat, and the errors. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "show.h"

static volatile int pipes;
static void on_pipe(int s) {
  (void)s;
  pipes++;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  signal(SIGPIPE, on_pipe);
  char buf[64];
  int sv[2];
  SHOW(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
  SHOW(fcntl(sv[0], F_GETFD));
  pid_t pid = fork();
  if (pid == 0) {
    close(sv[0]);
    ssize_t n = read(sv[1], buf, sizeof buf);
    for (ssize_t i = 0; i < n; i++) buf[i] = buf[i] >= 'a' && buf[i] <= 'z' ? buf[i] - 32 : buf[i];
    write(sv[1], buf, n);
    _exit(0);
  }
  close(sv[1]);
  SHOW(write(sv[0], "hello, child", 12));
  memset(buf, 0, sizeof buf);
  SHOW(read(sv[0], buf, sizeof buf));
  printf("'%s'\n", buf);
  waitpid(pid, NULL, 0);
  SHOW(read(sv[0], buf, sizeof buf));
  SHOW(send(sv[0], "x", 1, MSG_NOSIGNAL));
  printf("SIGPIPE %d\n", pipes);
  SHOW(write(sv[0], "x", 1));
  printf("SIGPIPE %d\n", pipes);
  close(sv[0]);

  /* peek, dontwait, waitall, shutdown */
  socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
  SHOW(recv(sv[0], buf, 4, MSG_DONTWAIT));
  SHOW(send(sv[1], "abcdef", 6, 0));
  SHOW(recv(sv[0], buf, 4, MSG_PEEK));
  SHOW(recv(sv[0], buf, 4, 0));
  printf("'%.4s'\n", buf);
  struct pollfd pf = {.fd = sv[0], .events = POLLIN | POLLOUT | POLLRDHUP};
  SHOW(poll(&pf, 1, 0));
  printf("revents %#x\n", pf.revents);
  SHOW(shutdown(sv[1], SHUT_WR));
  SHOW(poll(&pf, 1, 0));
  printf("revents %#x\n", pf.revents);
  SHOW(recv(sv[0], buf, 10, MSG_WAITALL));
  SHOW(recv(sv[0], buf, 10, 0));
  SHOW(send(sv[1], "z", 1, MSG_NOSIGNAL));
  SHOW(send(sv[0], "back", 4, 0));
  SHOW(read(sv[1], buf, sizeof buf));
  close(sv[0]);
  close(sv[1]);

  /* datagrams and seqpackets keep their boundaries */
  socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
  send(sv[0], "one", 3, 0);
  send(sv[0], "two!", 4, 0);
  send(sv[0], "", 0, 0);
  SHOW(recv(sv[1], buf, sizeof buf, 0));
  SHOW(recv(sv[1], buf, 2, MSG_TRUNC));
  SHOW(recv(sv[1], buf, sizeof buf, 0));
  SHOW(recv(sv[1], buf, sizeof buf, MSG_DONTWAIT));
  close(sv[1]);
  SHOW(send(sv[0], "x", 1, 0));
  close(sv[0]);
  socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
  struct iovec out[2] = {{"seq", 3}, {"packet", 6}};
  struct msghdr mh = {.msg_iov = out, .msg_iovlen = 2};
  SHOW(sendmsg(sv[0], &mh, 0));
  char a[4] = {0}, b[16] = {0};
  struct iovec in[2] = {{a, 3}, {b, 15}};
  struct msghdr rh = {.msg_iov = in, .msg_iovlen = 2};
  SHOW(recvmsg(sv[1], &rh, 0));
  printf("'%s' '%s' flags %d\n", a, b, rh.msg_flags);
  send(sv[0], "toolong", 7, 0);
  struct iovec small = {a, 3};
  struct msghdr th = {.msg_iov = &small, .msg_iovlen = 1};
  SHOW(recvmsg(sv[1], &th, 0));
  printf("flags %#x\n", th.msg_flags);

  /* options, names, stat, errors */
  int v = 0;
  socklen_t len = sizeof v;
  SHOW(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &len));
  printf("type %d len %u\n", v, len);
  SHOW(getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &v, &len));
  printf("domain %d\n", v);
  struct sockaddr_storage ss;
  len = sizeof ss;
  SHOW(getpeername(sv[0], (struct sockaddr *)&ss, &len));
  printf("peer family %d len %u\n", ss.ss_family, len);
  struct stat st;
  SHOW(fstat(sv[0], &st));
  printf("socket %d\n", S_ISSOCK(st.st_mode));
  SHOW(socketpair(AF_INET, SOCK_STREAM, 0, sv));
  SHOW(socketpair(AF_UNIX, 9, 0, sv));
  SHOW(socketpair(AF_UNIX, SOCK_STREAM, 5, sv));
  SHOW(shutdown(sv[0], 7));
  /* not a socket (a pipe here: the standard streams may be sockets, as a test runner's are) */
  int p[2];
  pipe(p);
  SHOW(shutdown(p[0], SHUT_RD));
  SHOW(recv(p[0], buf, 1, 0));
  return 0;
}
