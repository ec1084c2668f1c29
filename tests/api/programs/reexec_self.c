/* Executes itself again through /proc/self/exe, once: the running image read back as a file. */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc > 1) {
    printf("again %s\n", argv[1]);
    return 0;
  }
  char *args[] = {"self", "x", 0};
  execv("/proc/self/exe", args);
  perror("execv");
  return 1;
}
