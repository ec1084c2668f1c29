/* TCP over the loopback: an echo server and client in two processes and in two threads,
 * ephemeral ports (only whether they are in ip_local_port_range and distinct), EADDRINUSE with
 * and without SO_REUSEADDR, ECONNREFUSED, EADDRNOTAVAIL, getsockname/getpeername, shutdown and
 * end of file, a write after the peer closed (EPIPE, SIGPIPE), close with unread data
 * (ECONNRESET), MSG_PEEK, MSG_WAITALL, FIONREAD, non-blocking connect and accept with poll and
 * epoll, and the socket options programs set. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "show.h"
#include "child_report.h"
#include "loopback.h"

static volatile int pipes;
static void on_pipe(int s) {
  (void)s;
  pipes++;
}

static int ephemeral(int port) {
  return port >= 32768 && port <= 60999;
}

/* A listener on 127.0.0.1 and an ephemeral port. */
static int listener(struct sockaddr_in *a) {
  int l = socket(AF_INET, SOCK_STREAM, 0);
  *a = loopback(0);
  bind(l, (struct sockaddr *)a, sizeof *a);
  listen(l, 8);
  a->sin_port = htons(port_of(l));
  return l;
}

static int opt(int fd, int level, int name) {
  int v = -1;
  socklen_t len = sizeof v;
  if (getsockopt(fd, level, name, &v, &len) < 0) return -errno;
  return v;
}

static void upcase(char *b, ssize_t n) {
  for (ssize_t i = 0; i < n; i++) b[i] = b[i] >= 'a' && b[i] <= 'z' ? b[i] - 32 : b[i];
}

static struct sockaddr_in thread_addr;

static void *echo_client(void *arg) {
  (void)arg;
  int c = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(c, (struct sockaddr *)&thread_addr, sizeof thread_addr) < 0) return (void *)1;
  char buf[64];
  write(c, "from a thread", 13);
  ssize_t n = read(c, buf, sizeof buf);
  close(c);
  return (void *)(long)(n == 13 && memcmp(buf, "FROM A THREAD", 13) == 0 ? 0 : 2);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  signal(SIGPIPE, on_pipe);
  char buf[256];
  struct sockaddr_in a, b;
  socklen_t len;

  /* options of a fresh socket */
  int t = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  printf("type %d domain %d protocol %d acceptconn %d\n", opt(t, SOL_SOCKET, SO_TYPE), opt(t, SOL_SOCKET, SO_DOMAIN), opt(t, SOL_SOCKET, SO_PROTOCOL), opt(t, SOL_SOCKET, SO_ACCEPTCONN));
  printf("sndbuf %d rcvbuf %d nodelay %d keepalive %d reuseaddr %d\n", opt(t, SOL_SOCKET, SO_SNDBUF), opt(t, SOL_SOCKET, SO_RCVBUF), opt(t, IPPROTO_TCP, TCP_NODELAY), opt(t, SOL_SOCKET, SO_KEEPALIVE), opt(t, SOL_SOCKET, SO_REUSEADDR));
  printf("keepidle %d keepintvl %d keepcnt %d ttl %d v6only %d\n", opt(t, IPPROTO_TCP, TCP_KEEPIDLE), opt(t, IPPROTO_TCP, TCP_KEEPINTVL), opt(t, IPPROTO_TCP, TCP_KEEPCNT), opt(t, IPPROTO_IP, IP_TTL), opt(t, IPPROTO_IPV6, IPV6_V6ONLY));
  int v = 1;
  SHOW(setsockopt(t, IPPROTO_TCP, TCP_NODELAY, &v, sizeof v));
  v = 7;
  SHOW(setsockopt(t, SOL_SOCKET, SO_KEEPALIVE, &v, sizeof v));
  v = 1000;
  SHOW(setsockopt(t, SOL_SOCKET, SO_SNDBUF, &v, sizeof v));
  v = 100000;
  SHOW(setsockopt(t, SOL_SOCKET, SO_RCVBUF, &v, sizeof v));
  printf("sndbuf %d rcvbuf %d nodelay %d keepalive %d\n", opt(t, SOL_SOCKET, SO_SNDBUF), opt(t, SOL_SOCKET, SO_RCVBUF), opt(t, IPPROTO_TCP, TCP_NODELAY), opt(t, SOL_SOCKET, SO_KEEPALIVE));
  SHOW(setsockopt(t, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof v));
  SHOW(setsockopt(t, IPPROTO_TCP, 9999, &v, sizeof v));
  SHOW(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
  SHOW(socket(AF_INET, SOCK_SEQPACKET, 0));
  SHOW(socket(AF_INET, SOCK_RAW, 0));

  /* an unconnected socket */
  struct pollfd pf = {.fd = t, .events = POLLIN | POLLOUT | POLLRDHUP};
  SHOW(poll(&pf, 1, 0));
  printf("revents %#x\n", pf.revents);
  SHOW(read(t, buf, 1));
  SHOW(write(t, "x", 1));
  printf("SIGPIPE %d\n", pipes);
  SHOW(send(t, "x", 1, MSG_NOSIGNAL));
  SHOW(shutdown(t, SHUT_WR));
  len = sizeof a;
  SHOW(getsockname(t, (struct sockaddr *)&a, &len));
  printf("len %d family %d port %d addr %#x\n", len, a.sin_family, ntohs(a.sin_port), a.sin_addr.s_addr);
  SHOW(getpeername(t, (struct sockaddr *)&a, &len));

  /* addresses: only the loopback's */
  a = loopback(0);
  a.sin_addr.s_addr = inet_addr("10.1.2.3");
  SHOW(bind(t, (struct sockaddr *)&a, sizeof a));
  a.sin_addr.s_addr = inet_addr("127.0.0.5");
  SHOW(bind(t, (struct sockaddr *)&a, sizeof a - 1));
  SHOW(bind(t, (struct sockaddr *)&a, sizeof a));
  len = sizeof a;
  getsockname(t, (struct sockaddr *)&a, &len);
  printf("bound %s ephemeral %d\n", inet_ntoa(a.sin_addr), ephemeral(ntohs(a.sin_port)));
  SHOW(bind(t, (struct sockaddr *)&a, sizeof a));
  close(t);

  /* ephemeral ports: in range, and distinct */
  int e1 = socket(AF_INET, SOCK_STREAM, 0), e2 = socket(AF_INET, SOCK_STREAM, 0), e3 = socket(AF_INET, SOCK_STREAM, 0);
  a = loopback(0);
  bind(e1, (struct sockaddr *)&a, sizeof a);
  bind(e2, (struct sockaddr *)&a, sizeof a);
  SHOW(listen(e3, 4));
  int p1 = port_of(e1), p2 = port_of(e2), p3 = port_of(e3);
  printf("ephemeral %d %d %d distinct %d\n", ephemeral(p1), ephemeral(p2), ephemeral(p3), p1 != p2 && p2 != p3 && p1 != p3);
  len = sizeof a;
  getsockname(e3, (struct sockaddr *)&a, &len);
  printf("listen autobinds %s\n", inet_ntoa(a.sin_addr));
  printf("acceptconn %d\n", opt(e3, SOL_SOCKET, SO_ACCEPTCONN));

  /* EADDRINUSE, SO_REUSEADDR */
  int d = socket(AF_INET, SOCK_STREAM, 0);
  a = loopback(p1);
  SHOW(bind(d, (struct sockaddr *)&a, sizeof a));
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  SHOW(bind(d, (struct sockaddr *)&a, sizeof a));
  a.sin_addr.s_addr = inet_addr("127.0.0.2");
  SHOW(bind(d, (struct sockaddr *)&a, sizeof a));
  close(d);
  d = socket(AF_INET, SOCK_STREAM, 0);
  a = loopback(p3);
  SHOW(bind(d, (struct sockaddr *)&a, sizeof a));
  close(d);
  v = 1;
  int r1 = socket(AF_INET, SOCK_STREAM, 0), r2 = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(r1, SOL_SOCKET, SO_REUSEADDR, &v, sizeof v);
  setsockopt(r2, SOL_SOCKET, SO_REUSEADDR, &v, sizeof v);
  a = loopback(p2 + 0);
  close(e2);
  SHOW(bind(r1, (struct sockaddr *)&a, sizeof a));
  SHOW(bind(r2, (struct sockaddr *)&a, sizeof a));
  SHOW(listen(r1, 1));
  SHOW(listen(r2, 1));
  close(r1);
  close(r2);
  /* a listener's port, and SO_REUSEPORT */
  int q1 = socket(AF_INET, SOCK_STREAM, 0), q2 = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(q1, SOL_SOCKET, SO_REUSEPORT, &v, sizeof v);
  setsockopt(q2, SOL_SOCKET, SO_REUSEPORT, &v, sizeof v);
  SHOW(bind(q1, (struct sockaddr *)&a, sizeof a));
  SHOW(listen(q1, 1));
  SHOW(bind(q2, (struct sockaddr *)&a, sizeof a));
  SHOW(listen(q2, 1));
  close(q1);
  close(q2);

  /* ECONNREFUSED */
  int c = socket(AF_INET, SOCK_STREAM, 0);
  a = loopback(p1);
  SHOW(connect(c, (struct sockaddr *)&a, sizeof a));
  printf("so_error %d\n", opt(c, SOL_SOCKET, SO_ERROR));
  close(c);
  close(e1);

  /* an echo server in the parent, its client in a child */
  int l = listener(&a);
  pid_t pid = child();
  if (pid == 0) {
    close(l);
    int cs = socket(AF_INET, SOCK_STREAM, 0);
    tell("connect", connect(cs, (struct sockaddr *)&a, sizeof a));
    tell("send", send(cs, "hello, server", 13, 0));
    ssize_t n = recv(cs, buf, 13, MSG_WAITALL);
    tell("recv", n);
    tell("echoed", n == 13 && memcmp(buf, "HELLO, SERVER", 13) == 0);
    tell("shutdown", shutdown(cs, SHUT_WR));
    tell("read at eof", read(cs, buf, sizeof buf));
    _exit(0);
  }
  struct sockaddr_in peer;
  len = sizeof peer;
  int s = accept(l, (struct sockaddr *)&peer, &len);
  printf("accepted len %d %s ephemeral %d\n", len, inet_ntoa(peer.sin_addr), ephemeral(ntohs(peer.sin_port)));
  len = sizeof b;
  getsockname(s, (struct sockaddr *)&b, &len);
  printf("accepted socket is %s, the listener's port %d\n", inet_ntoa(b.sin_addr), b.sin_port == a.sin_port);
  ssize_t n = recv(s, buf, 13, MSG_WAITALL);
  upcase(buf, n);
  SHOW(send(s, buf, n, 0));
  SHOW(read(s, buf, sizeof buf));
  SHOW(close(s));
  relay(pid);

  /* the same in threads */
  thread_addr = a;
  pthread_t th;
  pthread_create(&th, NULL, echo_client, NULL);
  s = accept(l, NULL, NULL);
  n = read(s, buf, sizeof buf);
  upcase(buf, n);
  write(s, buf, n);
  void *ret;
  pthread_join(th, &ret);
  printf("thread client %ld\n", (long)ret);
  SHOW(read(s, buf, sizeof buf));
  close(s);

  /* peek, FIONREAD, poll after the peer shuts down or closes, EPIPE */
  c = socket(AF_INET, SOCK_STREAM, 0);
  SHOW(connect(c, (struct sockaddr *)&a, sizeof a));
  s = accept(l, NULL, NULL);
  len = sizeof b;
  getpeername(c, (struct sockaddr *)&b, &len);
  printf("peer %s port %d\n", inet_ntoa(b.sin_addr), b.sin_port == a.sin_port);
  SHOW(recv(s, buf, 4, MSG_DONTWAIT));
  SHOW(send(c, "abcdef", 6, 0));
  usleep(10000);
  v = -1;
  SHOW(ioctl(s, FIONREAD, &v));
  printf("fionread %d\n", v);
  SHOW(recv(s, buf, 4, MSG_PEEK));
  SHOW(recv(s, buf, 4, 0));
  printf("'%.4s'\n", buf);
  pf.fd = s;
  SHOW(poll(&pf, 1, 0));
  printf("revents %#x\n", pf.revents);
  SHOW(shutdown(c, SHUT_WR));
  usleep(10000);
  SHOW(poll(&pf, 1, 0));
  printf("revents %#x\n", pf.revents);
  SHOW(recv(s, buf, 10, MSG_WAITALL));
  SHOW(recv(s, buf, 10, 0));
  SHOW(send(s, "back", 4, 0));
  SHOW(read(c, buf, sizeof buf));
  SHOW(close(c));
  usleep(10000);
  SHOW(poll(&pf, 1, 0));
  printf("revents %#x\n", pf.revents);
  SHOW(write(s, "lost", 4));
  usleep(10000);
  SHOW(poll(&pf, 1, 0));
  printf("revents %#x\n", pf.revents);
  SHOW(write(s, "x", 1));
  printf("SIGPIPE %d\n", pipes);
  SHOW(send(s, "x", 1, MSG_NOSIGNAL));
  printf("SIGPIPE %d\n", pipes);
  SHOW(read(s, buf, sizeof buf));
  close(s);

  /* close with unread data resets the peer */
  c = socket(AF_INET, SOCK_STREAM, 0);
  connect(c, (struct sockaddr *)&a, sizeof a);
  s = accept(l, NULL, NULL);
  SHOW(write(c, "unread", 6));
  SHOW(write(s, "for c", 5));
  usleep(10000);
  SHOW(close(s));
  usleep(10000);
  pf.fd = c;
  SHOW(poll(&pf, 1, 0));
  printf("revents %#x\n", pf.revents);
  SHOW(read(c, buf, sizeof buf));
  SHOW(read(c, buf, sizeof buf));
  SHOW(read(c, buf, sizeof buf));
  SHOW(write(c, "x", 1));
  SHOW(getpeername(c, (struct sockaddr *)&b, &len));
  close(c);

  /* non-blocking connect and accept, with poll and epoll */
  int nl = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  b = loopback(0);
  bind(nl, (struct sockaddr *)&b, sizeof b);
  listen(nl, 4);
  b.sin_port = htons(port_of(nl));
  SHOW(accept(nl, NULL, NULL));
  int ep = epoll_create1(0);
  struct epoll_event ev = {.events = EPOLLIN, .data.fd = nl};
  epoll_ctl(ep, EPOLL_CTL_ADD, nl, &ev);
  c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  SHOW(connect(c, (struct sockaddr *)&b, sizeof b));
  pf.fd = c;
  pf.events = POLLOUT;
  SHOW(poll(&pf, 1, 1000));
  printf("revents %#x so_error %d\n", pf.revents, opt(c, SOL_SOCKET, SO_ERROR));
  SHOW(connect(c, (struct sockaddr *)&b, sizeof b));
  SHOW(connect(c, (struct sockaddr *)&b, sizeof b));
  struct epoll_event got;
  SHOW(epoll_wait(ep, &got, 1, 1000));
  printf("events %#x listener %d\n", got.events, got.data.fd == nl);
  s = accept4(nl, NULL, NULL, SOCK_NONBLOCK);
  printf("accepted %d nonblocking %d\n", s >= 0, (fcntl(s, F_GETFL) & O_NONBLOCK) != 0);
  SHOW(accept(nl, NULL, NULL));
  SHOW(read(s, buf, 1));
  ev.events = EPOLLIN | EPOLLRDHUP;
  ev.data.fd = s;
  epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev);
  SHOW(write(c, "ready", 5));
  SHOW(epoll_wait(ep, &got, 1, 1000));
  printf("events %#x accepted %d\n", got.events, got.data.fd == s);
  SHOW(read(s, buf, sizeof buf));
  SHOW(shutdown(c, SHUT_WR));
  SHOW(epoll_wait(ep, &got, 1, 1000));
  printf("events %#x\n", got.events);
  close(c);
  close(s);
  /* a non-blocking connect refused */
  c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  a = loopback(p1);
  SHOW(connect(c, (struct sockaddr *)&a, sizeof a));
  pf.fd = c;
  pf.events = POLLOUT | POLLIN;
  SHOW(poll(&pf, 1, 1000));
  printf("revents %#x so_error %d so_error %d\n", pf.revents, opt(c, SOL_SOCKET, SO_ERROR), opt(c, SOL_SOCKET, SO_ERROR));
  close(c);
  close(nl);
  close(l);
  return 0;
}
