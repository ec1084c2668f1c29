/* libm's functions (ifuncs in a shared object of their own). Printed to 15
 * digits: the host's libm may take FMA variants where the machine's CPU has none. */
#include <math.h>
#include <stdio.h>

int main(void) {
  volatile double xs[] = {0.5, 1.0, 2.5, 10.0, 123.456};
  for (int i = 0; i < 5; i++) {
    double x = xs[i];
    printf("%g: sin %.15g cos %.15g exp %.15g log %.15g pow %.15g sqrt %.15g atan2 %.15g\n",
           x, sin(x), cos(x), exp(x), log(x), pow(x, 1.5), sqrt(x), atan2(x, 3.0));
  }
  printf("floor %g ceil %g fmod %g lround %ld\n", floor(-2.5), ceil(-2.5), fmod(10.0, 3.0), lround(2.5));
  return 0;
}
