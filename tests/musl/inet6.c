/* AF_INET6 over the loopback: ::1 and ::, v4-mapped addresses reaching an IPv6 socket that is
 * not IPV6_V6ONLY (the Linux default) and not one that is, the ports an IPv4 and an IPv6 socket
 * share or contend for, sockaddr_in6 from getsockname, getpeername, accept and recvfrom. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "show.h"

static int port6(int fd) {
  struct sockaddr_in6 a;
  socklen_t len = sizeof a;
  getsockname(fd, (struct sockaddr *)&a, &len);
  return ntohs(a.sin6_port);
}

static struct sockaddr_in6 addr6(const char *ip, int port) {
  struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
  inet_pton(AF_INET6, ip, &a.sin6_addr);
  return a;
}

static void show6(const char *what, struct sockaddr_in6 *a, socklen_t len, int port) {
  char text[64];
  inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text);
  printf("%s: len %d family %d %s port %s\n", what, len, a->sin6_family, text, ntohs(a->sin6_port) == port ? "as expected" : ntohs(a->sin6_port) >= 32768 ? "ephemeral" : "other");
}

static int opt(int fd, int level, int name) {
  int v = -1;
  socklen_t len = sizeof v;
  if (getsockopt(fd, level, name, &v, &len) < 0) return -errno;
  return v;
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  char buf[64];
  struct sockaddr_in6 a, b;
  socklen_t len;
  int v = 1;

  /* a dual-stack listener on :: takes IPv4 and IPv6 connections */
  int l = socket(AF_INET6, SOCK_STREAM, 0);
  printf("domain %d v6only %d\n", opt(l, SOL_SOCKET, SO_DOMAIN), opt(l, IPPROTO_IPV6, IPV6_V6ONLY));
  a = addr6("::", 0);
  SHOW(bind(l, (struct sockaddr *)&a, sizeof a));
  SHOW(setsockopt(l, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof v));
  SHOW(listen(l, 4));
  int port = port6(l);
  len = sizeof a;
  getsockname(l, (struct sockaddr *)&a, &len);
  show6("listener", &a, len, port);

  int c6 = socket(AF_INET6, SOCK_STREAM, 0);
  a = addr6("::1", port);
  SHOW(connect(c6, (struct sockaddr *)&a, sizeof a));
  len = sizeof b;
  getsockname(c6, (struct sockaddr *)&b, &len);
  show6("v6 client", &b, len, port);
  len = sizeof b;
  int s = accept(l, (struct sockaddr *)&b, &len);
  show6("accepted from", &b, len, port);
  len = sizeof b;
  getsockname(s, (struct sockaddr *)&b, &len);
  show6("accepted at", &b, len, port);
  SHOW(write(c6, "six", 3));
  SHOW(read(s, buf, sizeof buf));
  close(s);
  close(c6);

  int c4 = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  SHOW(connect(c4, (struct sockaddr *)&a4, sizeof a4));
  len = sizeof b;
  s = accept(l, (struct sockaddr *)&b, &len);
  show6("v4 client accepted from", &b, len, port);
  len = sizeof b;
  getsockname(s, (struct sockaddr *)&b, &len);
  show6("v4 client accepted at", &b, len, port);
  SHOW(write(c4, "four", 4));
  SHOW(read(s, buf, sizeof buf));
  close(s);
  close(c4);

  /* an IPv6 socket connecting to a v4-mapped address reaches an IPv4 listener */
  int l4 = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in any4 = {.sin_family = AF_INET};
  SHOW(bind(l4, (struct sockaddr *)&any4, sizeof any4));
  listen(l4, 4);
  len = sizeof any4;
  getsockname(l4, (struct sockaddr *)&any4, &len);
  int port4 = ntohs(any4.sin_port);
  c6 = socket(AF_INET6, SOCK_STREAM, 0);
  a = addr6("::ffff:127.0.0.1", port4);
  SHOW(connect(c6, (struct sockaddr *)&a, sizeof a));
  len = sizeof b;
  getsockname(c6, (struct sockaddr *)&b, &len);
  show6("mapped client", &b, len, port4);
  len = sizeof a4;
  s = accept(l4, (struct sockaddr *)&a4, &len);
  printf("accepted from %s len %d\n", inet_ntoa(a4.sin_addr), len);
  close(s);
  close(c6);
  /* nobody listens on ::1 there: an IPv4 listener does not take IPv6 */
  c6 = socket(AF_INET6, SOCK_STREAM, 0);
  a = addr6("::1", port4);
  SHOW(connect(c6, (struct sockaddr *)&a, sizeof a));
  close(c6);

  /* ports: :: (dual-stack) contends with 0.0.0.0 and 127.0.0.1; a v6-only :: does not */
  int d4 = socket(AF_INET, SOCK_STREAM, 0);
  any4.sin_port = htons(port);
  any4.sin_addr.s_addr = htonl(INADDR_ANY);
  SHOW(bind(d4, (struct sockaddr *)&any4, sizeof any4));
  any4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  SHOW(bind(d4, (struct sockaddr *)&any4, sizeof any4));
  close(d4);
  int d6 = socket(AF_INET6, SOCK_STREAM, 0);
  a = addr6("::1", port);
  SHOW(bind(d6, (struct sockaddr *)&a, sizeof a));
  close(d6);
  d6 = socket(AF_INET6, SOCK_STREAM, 0);
  SHOW(setsockopt(d6, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof v));
  printf("v6only %d\n", opt(d6, IPPROTO_IPV6, IPV6_V6ONLY));
  a = addr6("::", port4);
  SHOW(bind(d6, (struct sockaddr *)&a, sizeof a));
  SHOW(setsockopt(d6, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof v));
  close(d6);
  /* a v6-only socket has no v4-mapped addresses */
  d6 = socket(AF_INET6, SOCK_DGRAM, 0);
  setsockopt(d6, IPPROTO_IPV6, IPV6_V6ONLY, &v, sizeof v);
  a = addr6("::ffff:127.0.0.1", 0);
  SHOW(bind(d6, (struct sockaddr *)&a, sizeof a));
  close(d6);
  /* other addresses are not this machine's */
  d6 = socket(AF_INET6, SOCK_DGRAM, 0);
  a = addr6("2001:db8::1", 0);
  SHOW(bind(d6, (struct sockaddr *)&a, sizeof a));
  a = addr6("::ffff:10.0.0.1", 0);
  SHOW(bind(d6, (struct sockaddr *)&a, sizeof a));
  SHOW(bind(d6, (struct sockaddr *)&a4, sizeof a4));
  SHOW(bind(d6, (struct sockaddr *)&a, 8));
  close(d6);

  /* UDP: an IPv4 sender seen by a dual-stack receiver as v4-mapped */
  int r6 = socket(AF_INET6, SOCK_DGRAM, 0);
  a = addr6("::", 0);
  bind(r6, (struct sockaddr *)&a, sizeof a);
  int rport = port6(r6);
  int u4 = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in to4 = {.sin_family = AF_INET, .sin_port = htons(rport), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  SHOW(sendto(u4, "via v4", 6, 0, (struct sockaddr *)&to4, sizeof to4));
  len = sizeof b;
  SHOW(recvfrom(r6, buf, sizeof buf, 0, (struct sockaddr *)&b, &len));
  show6("datagram from", &b, len, 0);
  int u6 = socket(AF_INET6, SOCK_DGRAM, 0);
  a = addr6("::1", rport);
  SHOW(sendto(u6, "via v6", 6, 0, (struct sockaddr *)&a, sizeof a));
  len = sizeof b;
  SHOW(recvfrom(r6, buf, sizeof buf, 0, (struct sockaddr *)&b, &len));
  show6("datagram from", &b, len, 0);
  SHOW(sendto(u4, "x", 1, 0, (struct sockaddr *)&a, sizeof a));
  return 0;
}
