/* AF_UNIX sockets made by socket(2): binding a path (a socket file in the tree: stat, open's
 * ENXIO, EADDRINUSE, unlink), an abstract name and an autobound one; listen, connect and accept
 * with the backlog's limit (one more than asked), non-blocking connects and accepts, poll on a
 * listener, names and peers, SO_PEERCRED and SO_ACCEPTCONN; datagrams to a name with their
 * senders' addresses (recvfrom, recvmsg); seqpacket boundaries; what a closed listener and a
 * peer closed with unread data leave behind (ECONNRESET once); and a forked client and server.
 * Addresses are under /dev/shm (tmpfs on the host too) and in the abstract namespace with the
 * pid in the name; everything made is removed. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "show.h"

static struct sockaddr_un path_addr(const char *name) {
  struct sockaddr_un a = {AF_UNIX};
  snprintf(a.sun_path, sizeof a.sun_path, "/dev/shm/sudsim-%s-%d", name, getpid());
  return a;
}

static socklen_t abstract_addr(struct sockaddr_un *a, const char *name) {
  memset(a, 0, sizeof *a);
  a->sun_family = AF_UNIX;
  int n = snprintf(a->sun_path + 1, sizeof a->sun_path - 1, "sudsim-%s-%d", name, getpid());
  return offsetof(struct sockaddr_un, sun_path) + 1 + n;
}

#define SA(a) ((struct sockaddr *)&(a))

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  char b[128];
  struct sockaddr_un got;
  socklen_t gl;

  // an unconnected stream socket
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  SHOW(read(s, b, 1));
  SHOW(write(s, "x", 1));
  SHOW(recv(s, b, 1, MSG_DONTWAIT));
  SHOW(listen(s, 5));
  SHOW(accept(s, NULL, NULL));
  SHOW(getpeername(s, SA(got), &gl));
  SHOW(shutdown(s, SHUT_RDWR));
  struct pollfd pf = {s, POLLIN | POLLOUT};
  SHOW(poll(&pf, 1, 0));
  printf("unconnected revents %x\n", pf.revents);

  // a name in the tree
  int fs;
  struct sockaddr_un a = path_addr("stream");
  int srv = socket(AF_UNIX, SOCK_STREAM, 0);
  SHOW(bind(srv, SA(a), sizeof a));
  SHOW(bind(srv, SA(a), sizeof a));
  int other = socket(AF_UNIX, SOCK_STREAM, 0);
  SHOW(bind(other, SA(a), sizeof a));
  struct stat st;
  SHOW(stat(a.sun_path, &st));
  printf("socket file %d mode %o size %ld\n", S_ISSOCK(st.st_mode), st.st_mode & 07777, (long)st.st_size);
  SHOW(open(a.sun_path, O_RDONLY));
  SHOW(connect(other, SA(a), sizeof a));
  SHOW(listen(srv, 1));
  int v;
  socklen_t vl = sizeof v;
  SHOW(getsockopt(srv, SOL_SOCKET, SO_ACCEPTCONN, &v, &vl));
  printf("accepting connections %d\n", v);
  pf = (struct pollfd){srv, POLLIN};
  SHOW(poll(&pf, 1, 0));

  int c = socket(AF_UNIX, SOCK_STREAM, 0);
  SHOW(connect(c, SA(a), sizeof a));
  SHOW(connect(c, SA(a), sizeof a));
  SHOW(poll(&pf, 1, 0));
  printf("listener revents %x\n", pf.revents);
  gl = sizeof got;
  int acc = accept(srv, SA(got), &gl);
  printf("accepted %d, client address length %d family %d\n", acc >= 0, gl, got.sun_family);
  gl = sizeof got;
  SHOW(getsockname(srv, SA(got), &gl));
  printf("name length is the path's and its NUL %d, is the path %d\n", gl == offsetof(struct sockaddr_un, sun_path) + strlen(a.sun_path) + 1, strcmp(got.sun_path, a.sun_path) == 0);
  gl = sizeof got;
  SHOW(getpeername(c, SA(got), &gl));
  printf("client's peer: the path %d, length %d\n", strcmp(got.sun_path, a.sun_path) == 0, gl == offsetof(struct sockaddr_un, sun_path) + strlen(a.sun_path) + 1);
  gl = sizeof got;
  SHOW(getpeername(acc, SA(got), &gl));
  printf("server's peer length %d\n", gl);
  gl = sizeof got;
  SHOW(getsockname(acc, SA(got), &gl));
  printf("accepted socket's name is the listener's %d\n", gl == offsetof(struct sockaddr_un, sun_path) + strlen(a.sun_path) + 1 && strcmp(got.sun_path, a.sun_path) == 0);
  gl = 4;
  SHOW(getsockname(srv, SA(got), &gl));
  printf("cut short: the full length %d\n", gl == offsetof(struct sockaddr_un, sun_path) + strlen(a.sun_path) + 1);
  SHOW(write(c, "hello", 5));
  memset(b, 0, sizeof b);
  SHOW(read(acc, b, sizeof b - 1));
  printf("'%s'\n", b);
  struct ucred cr;
  socklen_t cl = sizeof cr;
  SHOW(getsockopt(acc, SOL_SOCKET, SO_PEERCRED, &cr, &cl));
  printf("peer is this process %d, uid %d gid %d\n", cr.pid == getpid(), cr.uid, cr.gid);
  cl = sizeof cr;
  SHOW(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &cl));
  printf("no peer: pid %d uid %d gid %d\n", cr.pid, cr.uid, cr.gid);

  // the backlog: one more than listen's count, then EAGAIN for a non-blocking connect
  int nb[3];
  for (int i = 0; i < 3; i++) {
    nb[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    SHOW(connect(nb[i], SA(a), sizeof a));
  }
  SHOW(accept4(srv, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK) >= 0);
  SHOW(syscall(SYS_accept4, srv, NULL, NULL, 0x1234));
  SHOW(connect(nb[2], SA(a), sizeof a));
  SHOW(accept(srv, NULL, NULL) >= 0);
  SHOW(accept(srv, NULL, NULL) >= 0);
  SHOW(fcntl(srv, F_SETFL, O_NONBLOCK));
  SHOW(accept(srv, NULL, NULL));

  // a listener closed with a connection it never accepted; a peer closed with unread data
  int lone = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un la = path_addr("lone");
  SHOW(bind(lone, SA(la), sizeof la));
  SHOW(listen(lone, 4));
  int orphan = socket(AF_UNIX, SOCK_STREAM, 0);
  SHOW(connect(orphan, SA(la), sizeof la));
  SHOW(close(lone));
  SHOW(read(orphan, b, 1));
  SHOW(read(orphan, b, 1));
  SHOW(send(orphan, "x", 1, MSG_NOSIGNAL));
  SHOW(connect(socket(AF_UNIX, SOCK_STREAM, 0), SA(la), sizeof la));
  SHOW(unlink(la.sun_path));
  SHOW(connect(socket(AF_UNIX, SOCK_STREAM, 0), SA(la), sizeof la));
  SHOW(write(acc, "unread", 6));
  SHOW(close(c));
  SHOW(read(acc, b, 1));
  SHOW(read(acc, b, 1));

  // abstract and autobound names, datagrams and their senders
  struct sockaddr_un ab, ab2;
  socklen_t abl = abstract_addr(&ab, "dgram");
  int d1 = socket(AF_UNIX, SOCK_DGRAM, 0), d2 = socket(AF_UNIX, SOCK_DGRAM, 0);
  SHOW(bind(d1, SA(ab), abl));
  SHOW(bind(d2, SA(ab), abl));
  SHOW(bind(d1, SA(ab), abl));
  SHOW(sendto(d2, "unnamed", 7, 0, SA(ab), abl));
  gl = sizeof got;
  memset(b, 0, sizeof b);
  SHOW(recvfrom(d1, b, sizeof b, 0, SA(got), &gl));
  printf("'%s' from an address of length %d\n", b, gl);
  struct sockaddr_un autob = {AF_UNIX};
  SHOW(bind(d2, SA(autob), sizeof(sa_family_t)));
  gl = sizeof got;
  SHOW(getsockname(d2, SA(got), &gl));
  printf("autobound: length %d, abstract %d\n", gl, got.sun_path[0] == 0);
  struct sockaddr_un d2name = got;
  socklen_t d2len = gl;
  SHOW(sendto(d2, "named", 5, 0, SA(ab), abl));
  gl = sizeof got;
  SHOW(recvfrom(d1, b, sizeof b, 0, SA(got), &gl));
  printf("from length %d, the sender's name %d\n", gl, gl == d2len && memcmp(&got, &d2name, gl) == 0);
  SHOW(send(d2, "x", 1, 0));
  SHOW(connect(d2, SA(ab), abl));
  SHOW(send(d2, "via connect", 11, 0));
  struct iovec iov = {b, sizeof b};
  struct msghdr mh = {.msg_name = &got, .msg_namelen = sizeof got, .msg_iov = &iov, .msg_iovlen = 1};
  memset(b, 0, sizeof b);
  SHOW(recvmsg(d1, &mh, 0));
  printf("'%s' msg_namelen %d\n", b, mh.msg_namelen);
  socklen_t ab2l = abstract_addr(&ab2, "nobody");
  SHOW(sendto(d1, "x", 1, 0, SA(ab2), ab2l));
  struct sockaddr_un none = path_addr("none");
  SHOW(sendto(d1, "x", 1, 0, SA(none), sizeof none));
  SHOW(connect(socket(AF_UNIX, SOCK_STREAM, 0), SA(none), sizeof none));
  SHOW(connect(socket(AF_UNIX, SOCK_STREAM, 0), SA(ab), abl));
  SHOW(sendto(c = socket(AF_UNIX, SOCK_STREAM, 0), "x", 1, 0, SA(ab), abl));
  SHOW(listen(d1, 1));
  SHOW(bind(socket(AF_UNIX, SOCK_DGRAM, 0), SA(none), 1));
  struct sockaddr_un inet = {2};
  SHOW(bind(socket(AF_UNIX, SOCK_DGRAM, 0), SA(inet), sizeof inet));
  SHOW(socket(AF_UNIX, SOCK_RAW, 0) >= 0);
  SHOW(socket(AF_UNIX, 9, 0));
  SHOW(socket(AF_UNIX, SOCK_STREAM, 7));

  // seqpacket keeps message boundaries over a connection
  struct sockaddr_un sq;
  socklen_t sql = abstract_addr(&sq, "seqpacket");
  int ls = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  SHOW(bind(ls, SA(sq), sql));
  SHOW(listen(ls, 2));
  int qc = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  SHOW(connect(qc, SA(sq), sql));
  int qa = accept(ls, NULL, NULL);
  SHOW(send(qc, "one", 3, 0));
  SHOW(send(qc, "two!", 4, 0));
  SHOW(recv(qa, b, sizeof b, 0));
  SHOW(recv(qa, b, 2, MSG_TRUNC));
  SHOW(connect(socket(AF_UNIX, SOCK_STREAM, 0), SA(sq), sql));

  // timeouts: a read and an accept that wait for nothing give EAGAIN once it has passed, a
  // MSG_WAITALL read what came by then
  int tv[2];
  SHOW(socketpair(AF_UNIX, SOCK_STREAM, 0, tv));
  struct timeval to = {0, 40000};
  SHOW(setsockopt(tv[0], SOL_SOCKET, SO_RCVTIMEO, &to, sizeof to));
  struct timeval back;
  socklen_t bl = sizeof back;
  SHOW(getsockopt(tv[0], SOL_SOCKET, SO_RCVTIMEO, &back, &bl));
  printf("timeout read back %ld.%06ld\n", (long)back.tv_sec, (long)back.tv_usec);
  SHOW(recv(tv[0], b, sizeof b, 0));
  SHOW(write(tv[1], "part", 4));
  SHOW(recv(tv[0], b, sizeof b, MSG_WAITALL));
  SHOW(setsockopt(fs = socket(AF_UNIX, SOCK_STREAM, 0), SOL_SOCKET, SO_RCVTIMEO, &to, sizeof to));
  struct sockaddr_un ta;
  socklen_t tal = abstract_addr(&ta, "timeout");
  SHOW(bind(fs, SA(ta), tal));
  SHOW(listen(fs, 1));
  SHOW(accept(fs, NULL, NULL));
  struct timeval bad = {0, 1000000};
  SHOW(setsockopt(tv[0], SOL_SOCKET, SO_SNDTIMEO, &bad, sizeof bad));
  SHOW(close(fs));

  // a forked client, and a server that sleeps in accept until it comes
  struct sockaddr_un fa = path_addr("fork");
  fs = socket(AF_UNIX, SOCK_STREAM, 0);
  SHOW(bind(fs, SA(fa), sizeof fa));
  SHOW(listen(fs, 4));
  pid_t child = fork();
  if (child == 0) {
    usleep(20000);
    int cc = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(cc, SA(fa), sizeof fa) < 0) _exit(1);
    struct ucred pc;
    socklen_t pcl = sizeof pc;
    getsockopt(cc, SOL_SOCKET, SO_PEERCRED, &pc, &pcl);
    write(cc, "from the child", 14);
    char r[16] = {0};
    read(cc, r, sizeof r - 1);
    _exit(strcmp(r, "ack") == 0 && pc.pid == getppid() ? 3 : 2);
  }
  int one = accept(fs, NULL, NULL);
  cl = sizeof cr;
  getsockopt(one, SOL_SOCKET, SO_PEERCRED, &cr, &cl);
  printf("the peer is the child %d\n", cr.pid == child);
  memset(b, 0, sizeof b);
  SHOW(read(one, b, sizeof b - 1));
  printf("'%s'\n", b);
  SHOW(write(one, "ack", 3));
  int status;
  waitpid(child, &status, 0);
  printf("child exited %d\n", WEXITSTATUS(status));
  SHOW(unlink(fa.sun_path));
  SHOW(unlink(a.sun_path));
  return 0;
}
