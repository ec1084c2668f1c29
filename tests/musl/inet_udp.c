/* UDP over the loopback: sendto and recvfrom with addresses, message boundaries and MSG_TRUNC,
 * connected sockets (their default destination, the one sender they take from, and the port
 * unreachable that shows as ECONNREFUSED on the next call), autobind on the first send,
 * SO_REUSEADDR, FIONREAD, poll, the options, and a ping-pong between two processes. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "show.h"
#include "child_report.h"
#include "loopback.h"

static int opt(int fd, int level, int name) {
  int v = -1;
  socklen_t len = sizeof v;
  if (getsockopt(fd, level, name, &v, &len) < 0) return -errno;
  return v;
}

/* A socket bound to 127.0.0.1 and an ephemeral port. */
static int bound(struct sockaddr_in *a) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  *a = loopback(0);
  bind(s, (struct sockaddr *)a, sizeof *a);
  a->sin_port = htons(port_of(s));
  return s;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  char buf[64];
  struct sockaddr_in a, b, from;
  socklen_t len;
  int u = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  printf("type %d domain %d protocol %d sndbuf %d rcvbuf %d\n", opt(u, SOL_SOCKET, SO_TYPE), opt(u, SOL_SOCKET, SO_DOMAIN), opt(u, SOL_SOCKET, SO_PROTOCOL), opt(u, SOL_SOCKET, SO_SNDBUF), opt(u, SOL_SOCKET, SO_RCVBUF));
  struct pollfd pf = {.fd = u, .events = POLLIN | POLLOUT};
  SHOW(poll(&pf, 1, 0));
  printf("revents %#x\n", pf.revents);
  SHOW(recv(u, buf, sizeof buf, 0));
  SHOW(send(u, "x", 1, 0));
  SHOW(listen(u, 1));
  SHOW(accept(u, NULL, NULL));
  SHOW(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP));

  int r = bound(&a);
  /* the first send binds the sender to an ephemeral port */
  SHOW(sendto(u, "one", 3, 0, (struct sockaddr *)&a, sizeof a));
  SHOW(sendto(u, "two!", 4, 0, (struct sockaddr *)&a, sizeof a));
  SHOW(sendto(u, "", 0, 0, (struct sockaddr *)&a, sizeof a));
  int up = port_of(u);
  printf("sender ephemeral %d\n", up >= 32768 && up <= 60999);
  int v = -1;
  SHOW(ioctl(r, FIONREAD, &v));
  printf("fionread %d\n", v);
  pf.fd = r;
  SHOW(poll(&pf, 1, 0));
  printf("revents %#x\n", pf.revents);
  len = sizeof from;
  SHOW(recvfrom(r, buf, sizeof buf, 0, (struct sockaddr *)&from, &len));
  printf("from %s len %d same port %d\n", inet_ntoa(from.sin_addr), len, ntohs(from.sin_port) == up);
  SHOW(recv(r, buf, 2, MSG_PEEK | MSG_TRUNC));
  SHOW(recv(r, buf, 2, 0));
  SHOW(recv(r, buf, sizeof buf, 0));
  SHOW(recv(r, buf, sizeof buf, MSG_DONTWAIT));

  /* EADDRINUSE, SO_REUSEADDR, EADDRNOTAVAIL */
  int d = socket(AF_INET, SOCK_DGRAM, 0);
  SHOW(bind(d, (struct sockaddr *)&a, sizeof a));
  b = a;
  b.sin_addr.s_addr = inet_addr("192.168.1.1");
  SHOW(bind(d, (struct sockaddr *)&b, sizeof b));
  close(d);
  int x1 = socket(AF_INET, SOCK_DGRAM, 0), x2 = socket(AF_INET, SOCK_DGRAM, 0);
  v = 1;
  setsockopt(x1, SOL_SOCKET, SO_REUSEADDR, &v, sizeof v);
  setsockopt(x2, SOL_SOCKET, SO_REUSEADDR, &v, sizeof v);
  b = loopback(0);
  bind(x1, (struct sockaddr *)&b, sizeof b);
  b.sin_port = htons(port_of(x1));
  SHOW(bind(x2, (struct sockaddr *)&b, sizeof b));
  close(x1);
  close(x2);

  /* a connected socket */
  int c = socket(AF_INET, SOCK_DGRAM, 0);
  SHOW(connect(c, (struct sockaddr *)&a, sizeof a));
  len = sizeof b;
  getsockname(c, (struct sockaddr *)&b, &len);
  printf("connected from %s ephemeral %d\n", inet_ntoa(b.sin_addr), ntohs(b.sin_port) >= 32768);
  len = sizeof b;
  SHOW(getpeername(c, (struct sockaddr *)&b, &len));
  printf("peer port %d\n", b.sin_port == a.sin_port);
  SHOW(send(c, "connected", 9, 0));
  SHOW(recv(r, buf, sizeof buf, 0));
  /* it takes only from its peer */
  struct sockaddr_in cb;
  len = sizeof cb;
  getsockname(c, (struct sockaddr *)&cb, &len);
  SHOW(sendto(u, "stranger", 8, 0, (struct sockaddr *)&cb, sizeof cb));
  SHOW(sendto(r, "peer", 4, 0, (struct sockaddr *)&cb, sizeof cb));
  SHOW(recv(c, buf, sizeof buf, 0));
  printf("'%.4s'\n", buf);
  SHOW(recv(c, buf, sizeof buf, MSG_DONTWAIT));
  /* nobody on the port: ICMP port unreachable, ECONNREFUSED once */
  close(r);
  SHOW(send(c, "gone", 4, 0));
  usleep(10000);
  pf.fd = c;
  SHOW(poll(&pf, 1, 0));
  printf("revents %#x\n", pf.revents);
  SHOW(send(c, "gone", 4, 0));
  SHOW(send(c, "gone", 4, 0));
  usleep(10000);
  SHOW(recv(c, buf, sizeof buf, MSG_DONTWAIT));
  SHOW(recv(c, buf, sizeof buf, MSG_DONTWAIT));
  /* unconnected senders hear nothing */
  SHOW(sendto(u, "gone", 4, 0, (struct sockaddr *)&a, sizeof a));
  usleep(10000);
  SHOW(recv(u, buf, sizeof buf, 0));
  /* AF_UNSPEC disconnects */
  struct sockaddr unspec = {.sa_family = AF_UNSPEC};
  SHOW(connect(c, &unspec, sizeof unspec));
  SHOW(send(c, "x", 1, 0));
  SHOW(getpeername(c, (struct sockaddr *)&b, &len));
  close(c);
  close(u);

  /* a ping-pong with a child */
  int srv = bound(&a);
  pid_t pid = child();
  if (pid == 0) {
    int cs = socket(AF_INET, SOCK_DGRAM, 0);
    connect(cs, (struct sockaddr *)&a, sizeof a);
    int ok = 0;
    for (int i = 0; i < 3; i++) {
      char m[16];
      int n = snprintf(m, sizeof m, "ping %d", i);
      send(cs, m, n, 0);
      char in[16];
      ssize_t got = recv(cs, in, sizeof in, 0);
      ok += got == n && memcmp(in, "pong", 4) == 0 && in[5] == '0' + i;
    }
    tell("pongs", ok);
    _exit(0);
  }
  for (int i = 0; i < 3; i++) {
    len = sizeof from;
    ssize_t n = recvfrom(srv, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
    printf("got %.*s\n", (int)n, buf);
    memcpy(buf, "pong", 4);
    sendto(srv, buf, n, 0, (struct sockaddr *)&from, len);
  }
  relay(pid);
  return 0;
}
