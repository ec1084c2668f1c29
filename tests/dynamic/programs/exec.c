/* Executes argv[1] with the rest as its arguments (a static program starting
 * a dynamic one), or says how execve failed. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) return 2;
  char *env[] = {"DYN_TEST_VAR=from exec.c", NULL};
  execve(argv[1], argv + 1, env);
  printf("execve %s: %s\n", argv[1], strerrorname_np(errno));
  return 1;
}
