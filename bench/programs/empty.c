/* The native baseline: process creation and exit with nothing in between. */
#include "rt.h"
int bench_main(int argc, char **argv) { (void)argc; (void)argv; return 0; }
