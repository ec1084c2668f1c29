/* Descriptors and credentials over AF_UNIX sockets: SCM_RIGHTS (a passed file keeps its shared
 * offset, a passed pipe end writes into the same pipe, a stream read stops after the piece that
 * carried descriptors, a short control buffer closes the rest with MSG_CTRUNC, MSG_CMSG_CLOEXEC,
 * MSG_PEEK's copies, datagrams), SCM_CREDENTIALS with SO_PASSCRED (sent explicitly, filled in by
 * the kernel, ESRCH for a pid that is no process), control-message errors, setsockopt's options
 * read back, descriptors in flight closed with the socket that held them, and a pipe handed to a
 * forked child. Works under /dev/shm (tmpfs on the host too). */
#define _GNU_SOURCE
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>
#include "show.h"
static int sendfds(int s, const char *data, int n, int *fds, int nfds) {
  char cbuf[CMSG_SPACE(sizeof(int) * 8)]; memset(cbuf, 0, sizeof cbuf);
  struct iovec iov = {(void *)data, n};
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
  if (nfds) { m.msg_control = cbuf; m.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
    struct cmsghdr *c = CMSG_FIRSTHDR(&m); c->cmsg_level = SOL_SOCKET; c->cmsg_type = SCM_RIGHTS; c->cmsg_len = CMSG_LEN(sizeof(int) * nfds); memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds); }
  return sendmsg(s, &m, 0);
}
static int recvfds(int s, char *buf, int n, int *fds, int *nfds, int ctl, int flags, int *mflags) {
  char cbuf[256]; memset(cbuf, 0, sizeof cbuf);
  struct iovec iov = {buf, n};
  struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl ? cbuf : NULL, .msg_controllen = ctl};
  int r = recvmsg(s, &m, flags); *nfds = 0; *mflags = m.msg_flags;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
    printf("  cmsg level %d type %d len %ld\n", c->cmsg_level, c->cmsg_type, (long)c->cmsg_len);
    if (c->cmsg_type == SCM_RIGHTS) { int k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); memcpy(fds + *nfds, CMSG_DATA(c), k * sizeof(int)); *nfds += k; }
    if (c->cmsg_type == SCM_CREDENTIALS) { struct ucred u; memcpy(&u, CMSG_DATA(c), sizeof u); printf("  cred pid-is-self %d uid %d gid %d\n", u.pid == getpid(), u.uid, u.gid); }
  }
  printf("  controllen %ld\n", (long)m.msg_controllen);
  return r;
}
int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  int sv[2]; SHOW(socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
  int f = open("/dev/shm/scm-file", O_CREAT | O_RDWR | O_TRUNC, 0644); write(f, "file contents", 13); lseek(f, 5, SEEK_SET);
  int p[2]; pipe(p);
  int fds[2] = {f, p[1]};
  SHOW(sendfds(sv[0], "ab", 2, fds, 2));
  SHOW(sendfds(sv[0], "cd", 2, NULL, 0));
  char b[64]; int got[8], n, mf;
  SHOW(recvfds(sv[1], b, 64, got, &n, 256, 0, &mf)); printf("got %d fds, flags %x\n", n, mf);
  printf("offset shared %ld\n", (long)lseek(got[0], 0, SEEK_CUR));
  SHOW(write(got[1], "via passed", 10)); memset(b, 0, 64); SHOW(read(p[0], b, 63)); printf("'%s'\n", b);
  printf("cloexec %d\n", fcntl(got[0], F_GETFD));
  SHOW(recvfds(sv[1], b, 64, got, &n, 256, 0, &mf));
  // stop at a boundary with fds
  SHOW(sendfds(sv[0], "xx", 2, NULL, 0)); SHOW(sendfds(sv[0], "yy", 2, fds, 1)); SHOW(sendfds(sv[0], "zz", 2, NULL, 0));
  SHOW(recvfds(sv[1], b, 64, got, &n, 256, 0, &mf)); printf("got %d fds\n", n);
  SHOW(recvfds(sv[1], b, 64, got, &n, 256, 0, &mf)); printf("got %d fds\n", n);
  // too small control buffer
  int many[3] = {f, f, f};
  SHOW(sendfds(sv[0], "m", 1, many, 3));
  SHOW(recvfds(sv[1], b, 64, got, &n, CMSG_SPACE(sizeof(int)), 0, &mf)); printf("got %d fds, ctrunc %d\n", n, (mf & MSG_CTRUNC) != 0);
  SHOW(sendfds(sv[0], "n", 1, many, 1));
  SHOW(recvfds(sv[1], b, 64, got, &n, 0, 0, &mf)); printf("no control: ctrunc %d\n", (mf & MSG_CTRUNC) != 0);
  SHOW(sendfds(sv[0], "o", 1, many, 1));
  SHOW(recvfds(sv[1], b, 64, got, &n, 256, MSG_CMSG_CLOEXEC, &mf)); printf("cloexec %d\n", fcntl(got[0], F_GETFD));
  int bad = 999; SHOW(sendfds(sv[0], "q", 1, &bad, 1));
  // peek
  SHOW(sendfds(sv[0], "pk", 2, many, 1));
  SHOW(recvfds(sv[1], b, 64, got, &n, 256, MSG_PEEK, &mf)); printf("peek got %d\n", n);
  SHOW(recvfds(sv[1], b, 64, got, &n, 256, 0, &mf)); printf("then got %d\n", n);
  // dgram
  int dv[2]; SHOW(socketpair(AF_UNIX, SOCK_DGRAM, 0, dv));
  SHOW(sendfds(dv[0], "dg", 2, fds, 2)); SHOW(recvfds(dv[1], b, 64, got, &n, 256, 0, &mf)); printf("dgram got %d\n", n);
  // credentials
  int on = 1; SHOW(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on));
  SHOW(write(sv[0], "cr", 2)); SHOW(recvfds(sv[1], b, 64, got, &n, 256, 0, &mf));
  int v; socklen_t vl = sizeof v; SHOW(getsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &v, &vl)); printf("passcred %d\n", v);
  struct { struct cmsghdr h; struct ucred u; } cc; memset(&cc, 0, sizeof cc);
  cc.h.cmsg_len = CMSG_LEN(sizeof(struct ucred)); cc.h.cmsg_level = SOL_SOCKET; cc.h.cmsg_type = SCM_CREDENTIALS; cc.u.pid = getpid(); cc.u.uid = 0; cc.u.gid = 0;
  struct iovec iov = {"c2", 2}; struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = &cc, .msg_controllen = sizeof cc};
  SHOW(sendmsg(sv[0], &m, 0)); SHOW(recvfds(sv[1], b, 64, got, &n, 256, 0, &mf));
  cc.u.pid = 12345; SHOW(sendmsg(sv[0], &m, 0));
  cc.h.cmsg_type = 99; SHOW(sendmsg(sv[0], &m, 0));
  cc.h.cmsg_level = 5; SHOW(sendmsg(sv[0], &m, 0));
  cc.h.cmsg_level = SOL_SOCKET; cc.h.cmsg_type = SCM_RIGHTS; cc.h.cmsg_len = 4; SHOW(sendmsg(sv[0], &m, 0));
  SHOW(setsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &on, sizeof on)); SHOW(setsockopt(sv[0], SOL_SOCKET, 9999, &on, sizeof on)); SHOW(setsockopt(sv[0], 6, 1, &on, sizeof on));
  int big = 4096; SHOW(setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big)); vl = sizeof v; SHOW(getsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &v, &vl)); printf("sndbuf %d\n", v);
  SHOW(setsockopt(sv[0], SOL_SOCKET, SO_REUSEADDR, &on, 2));
  // a pipe's write end in flight, closed with the socket that held it: the reader sees end of file
  int q[2]; SHOW(pipe(q));
  int tv[2]; SHOW(socketpair(AF_UNIX, SOCK_STREAM, 0, tv));
  SHOW(sendfds(tv[0], "w", 1, &q[1], 1));
  SHOW(close(q[1]));
  SHOW(close(tv[1]));
  SHOW(read(q[0], b, 1));
  // a pipe handed to a forked child, which writes its answer into it
  int r[2]; SHOW(pipe(r));
  int cv[2]; SHOW(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, cv));
  pid_t child = fork();
  if (child == 0) {
    /* received without a word: only the parent prints */
    char m[8], cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {m, sizeof m};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    close(cv[0]);
    if (recvmsg(cv[1], &mh, 0) < 0 || !CMSG_FIRSTHDR(&mh)) _exit(1);
    int fd;
    memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&mh)), sizeof fd);
    write(fd, "from the child", 14);
    _exit(0);
  }
  SHOW(sendfds(cv[0], "p", 1, &r[1], 1));
  SHOW(close(r[1]));
  int status;
  waitpid(child, &status, 0);
  memset(b, 0, 64);
  SHOW(read(r[0], b, 63));
  printf("'%s', child exited %d\n", b, WEXITSTATUS(status));
  SHOW(read(r[0], b, 63));
  unlink("/dev/shm/scm-file");
  return 0;
}
