/* Calls into a shared object of the test's own (libneeded.so), found through DT_RUNPATH or not at all. */
#include <stdio.h>
int needed_value(int);
int main(void) {
  printf("needed_value(4) = %d\n", needed_value(4));
  return 0;
}
